// verify.js: the border officer checks a permit (#/verify): scan its QR code with the
// device camera, read it from a photo, or paste the QR text; POST /api/v1/verify answers
// VALID or NOT VALID with every reason, and the permit's details. Built for a mountain post:
// large targets, the pasted text is kept when the network fails, and without a network the
// signature and dates are checked on the device with the keys kept from the last visit.
import { append, h, dateEl, notice, announce } from '../dom.js';
import { field } from '../forms.js';
import { t, localize } from '../i18n.js';
import { describeError } from '../errors.js';
import { row, dmyDate, permitFacts, reasonsList } from '../permit-ui.js';
import { crossingSection } from '../crossing.js';
import { cachedKeys, refreshKeys, verifyOffline, offlineSupported } from '../offline-verify.js';
import { QrScanner, decodeImageFile } from '../qr-scan.js';

const DRAFT_KEY = 'kapka_verify_draft';

function draft() {
  try { return sessionStorage.getItem(DRAFT_KEY) || ''; } catch { return ''; }
}

function keepDraft(v) {
  try { sessionStorage.setItem(DRAFT_KEY, v); } catch { /* not kept */ }
}

// The verdict: a large VALID / NOT VALID, every reason, and what the permit says.
function verdict(r, ctx) {
  const valid = r.valid;
  const offline = !!r.offline;
  const word = offline ? (valid ? 'verify.offline_valid' : 'verify.not_valid') : valid ? 'verify.valid' : 'verify.not_valid';
  const box = h('section', {
    class: `verdict ${valid ? (offline ? 'verdict-offline' : 'verdict-valid') : 'verdict-invalid'}`,
    dataset: { valid: String(valid), offline: String(offline) }, 'aria-labelledby': 'verdict-word', tabindex: '-1',
  },
  h('p', { class: 'verdict-word', id: 'verdict-word' }, h('span', { class: 'verdict-mark', 'aria-hidden': 'true' }, valid ? '✓' : '✗'),
    h('span', { i18n: word })),
  offline
    ? h('p', { class: 'verdict-note', i18n: 'verify.offline_note' })
    : h('p', { class: 'verdict-note' }, h('span', { i18n: 'verify.checked_at' }), ' ', dateEl(r.checked_at, true)),
  r.reasons.length ? [h('h2', { class: 'reasons-title', i18n: 'verify.reasons' }), reasonsList(r.reasons)] : null);
  if (r.permit) {
    append(box, h('h2', { i18n: 'verify.permit' }), permitFacts(r.permit));
    if (!offline) {
      append(box, h('p', {}, h('a', { href: `#/lookup/${encodeURIComponent(r.permit.id)}`, i18n: 'verify.open_record' })));
      append(box, crossingSection(r.permit.id, ctx, { canRecord: ctx.user.role === 'officer' }));
    }
  } else if (r.claims) {
    // A partner's permit we hold no record of: what its signed credential says.
    append(box, h('h2', { i18n: 'verify.credential' }), h('dl', { class: 'facts' },
      row('permit.id', h('span', { class: 'mono' }, r.claims.id)),
      row('permit.plate', h('span', { class: 'mono' }, r.claims.pn)),
      row('permit.company', r.claims.cn),
      row('permit.issued_on', dmyDate(r.claims.iat)),
      row('permit.valid_until', dmyDate(r.claims.exp))));
  }
  return box;
}

export default {
  async render(view, ctx) {
    const result = h('div', { class: 'verdict-box' });
    const status = h('p', { class: 'scan-status', role: 'status', 'aria-live': 'polite' });
    const say = (key, args) => { status.replaceChildren(key ? h('span', { i18n: key, args }) : ''); };

    // Paste (or a scan fills it in).
    const qrField = field({ name: 'qr', label: 'verify.qr_text', hint: 'hint.qr_text', required: true, multiline: true,
      maxlength: 4096, spellcheck: 'false', autocapitalize: 'none', value: draft() });
    const textarea = qrField.querySelector('textarea');
    textarea.rows = 4;
    textarea.addEventListener('input', () => keepDraft(textarea.value));
    const checkButton = h('button', { type: 'submit', class: 'primary big', i18n: 'verify.check' });
    const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
    const form = h('form', { novalidate: true, class: 'verify-form' }, summary, qrField, h('div', { class: 'actions' }, checkButton));

    async function check(text) {
      text = text.trim();
      summary.hidden = true;
      if (!text) {
        summary.replaceChildren(h('p', { class: 'error-message', i18n: 'verify.empty' }));
        summary.hidden = false;
        summary.focus();
        return;
      }
      keepDraft(text);
      checkButton.disabled = true;
      form.setAttribute('aria-busy', 'true');
      result.replaceChildren(h('p', { class: 'aside', i18n: 'verify.checking' }));
      try {
        const r = await ctx.api.post('/api/v1/verify', { qr: text });
        if (!ctx.current()) return;
        result.replaceChildren(verdict(r, ctx));
        announce(t(r.valid ? 'verify.valid' : 'verify.not_valid'));
      } catch (err) {
        if (err?.name !== 'ApiError') console.error(err);
        if (err?.status === 0) {
          // No network: keep the text, say so, and check what can be checked here.
          const box = [notice({ key: 'verify.network' }, 'error')];
          const keys = cachedKeys();
          if (offlineSupported() && keys) {
            const r = await verifyOffline(text, keys, keys.self);
            box.push(verdict(r, ctx));
            announce(`${t('verify.network')} ${t(r.valid ? 'verify.offline_valid' : 'verify.not_valid')}`);
          } else {
            box.push(h('p', { class: 'aside', i18n: 'verify.no_offline_keys' }));
            announce(t('verify.network'));
          }
          result.replaceChildren(...box, h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'secondary big', i18n: 'verify.retry', onclick: () => check(textarea.value) })));
        } else {
          const d = describeError(err?.name === 'ApiError' ? err : { code: 'internal', status: 500 });
          result.replaceChildren(notice(d, 'error'));
        }
      } finally {
        checkButton.disabled = false;
        form.setAttribute('aria-busy', 'false');
      }
      result.firstElementChild?.focus?.();
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      check(textarea.value);
    });

    function found(text) {
      textarea.value = text;
      keepDraft(text);
      say('verify.scan_found');
      check(text);
    }

    // Camera.
    const video = h('video', { class: 'scan-video', muted: true, playsinline: true, hidden: true, 'aria-hidden': 'true' });
    video.muted = true;
    const scanner = new QrScanner(video);
    const startButton = h('button', { type: 'button', class: 'primary big', i18n: 'verify.scan_start', dataset: { scan: 'start' } });
    const stopButton = h('button', { type: 'button', class: 'secondary big', i18n: 'verify.scan_stop', hidden: true, dataset: { scan: 'stop' } });
    function cameraOff() {
      scanner.stop();
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
    }
    startButton.addEventListener('click', async () => {
      startButton.disabled = true;
      say('verify.scan_starting');
      try {
        await scanner.start({
          onResult(text) {
            cameraOff();
            found(text);
          },
          // Stop when the officer leaves the page.
          alive: () => view.isConnected,
        });
        if (scanner.active) { // not read already
          video.hidden = false;
          startButton.hidden = true;
          stopButton.hidden = false;
          say('verify.scan_aim');
          stopButton.focus();
        }
      } catch (err) {
        cameraOff();
        say(err?.name === 'NotAllowedError' ? 'verify.camera_denied'
          : err?.name === 'NotFoundError' || err?.name === 'OverconstrainedError' ? 'verify.camera_none'
            : err?.name === 'NoCamera' ? 'verify.camera_unsupported' : 'verify.camera_failed');
      } finally {
        startButton.disabled = false;
      }
    });
    stopButton.addEventListener('click', () => {
      cameraOff();
      say('verify.scan_stopped');
      startButton.focus();
    });

    // A photo of the QR code (the phone's own camera app, or a picture sent by the driver).
    const photoId = 'verify-photo';
    const photo = h('input', { type: 'file', id: photoId, accept: 'image/*', class: 'file-input' });
    photo.addEventListener('change', async () => {
      const file = photo.files?.[0];
      if (!file) return;
      say('verify.photo_reading');
      try {
        const text = await decodeImageFile(file);
        if (text) found(text);
        else say('verify.photo_none');
      } catch (err) {
        console.warn(err);
        say('verify.photo_failed');
      } finally {
        photo.value = '';
      }
    });

    append(view,
      h('h1', { i18n: 'verify.title' }),
      h('p', { class: 'lead', i18n: 'verify.lead' }),
      h('section', { class: 'card scan', 'aria-labelledby': 'verify-scan' },
        h('h2', { id: 'verify-scan', i18n: 'verify.scan_title' }),
        h('div', { class: 'button-row' }, startButton, stopButton,
          h('label', { for: photoId, class: 'button secondary big file-label' }, h('span', { i18n: 'verify.photo' })), photo),
        video,
        status),
      h('section', { class: 'card', 'aria-labelledby': 'verify-paste' },
        h('h2', { id: 'verify-paste', i18n: 'verify.paste_title' }), form),
      result);

    // Keep partners' keys for a check without network later (quietly; offline now is fine),
    // and say how old the kept keys are: a check offline is only as good as they are.
    const age = h('p', { class: 'aside keys-age', 'aria-live': 'polite' });
    const showAge = (k) => {
      age.replaceChildren(...(k ? [h('span', { i18n: 'ui.keys_age', args: { count: Object.keys(k.authorities || {}).length } }), ' ', dateEl(k.fetched_at, true)]
        : [h('span', { i18n: 'ui.keys_none' })]));
      localize(age);
    };
    append(view, age);
    showAge(cachedKeys());
    if (offlineSupported()) refreshKeys(ctx.api).then(showAge).catch(() => {});
  },
};
