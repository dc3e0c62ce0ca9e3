// zone-check.js: the officer at a military post checks a border-zone permit (#/zone-check)
// against the passport in hand: paste or scan the QR, type the passport number (and the
// surname), pick the post; VALID / NOT VALID with every reason. Offline, the device checks
// the signature, dates, zone and passport with the kept keys; the check is sent later.
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, language } from '../i18n.js';
import { row, reasonsList } from '../permit-ui.js';
import { refreshKeys, offlineSupported } from '../offline-verify.js';
import { verifyZoneOffline, keepPending, flushPending } from '../zone-offline.js';
import { QrScanner } from '../qr-scan.js';

const POST_KEY = 'kapka_zone_post';

function verdict(r) {
  const word = r.valid ? (r.offline ? 'zcheck.offline_valid' : 'zcheck.valid') : 'zcheck.not_valid';
  return h('section', { class: `verdict ${r.valid ? (r.offline ? 'verdict-offline' : 'verdict-valid') : 'verdict-invalid'}`, tabindex: '-1', dataset: { valid: String(r.valid) } },
    h('p', { class: 'verdict-word' }, h('span', { class: 'verdict-mark', 'aria-hidden': 'true' }, r.valid ? '✓' : '✗'), h('span', { i18n: word })),
    r.offline ? h('p', { class: 'verdict-note', i18n: 'zcheck.offline_note' }) : null,
    r.reasons.length ? reasonsList(r.reasons.map((x) => ({ ...x, message: x.message || x.code })), { cls: 'reasons' }) : null,
    r.claims ? h('dl', { class: 'facts' },
      row('zones.number', h('span', { class: 'mono' }, r.claims.id)),
      row('zcheck.name', r.claims.nm),
      row('zones.passport_number', h('span', { class: 'mono' }, r.claims.pp)),
      row('zones.nationality', r.claims.nt),
      row('zones.valid', `${r.claims.vf} – ${r.claims.vu}`),
      row('zones.zones', (r.claims.z || []).join(', '))) : null);
}

export default {
  async render(view, ctx) {
    const out = h('div', { 'aria-live': 'polite' });
    let zones = [];
    try {
      zones = (await ctx.api.get('/api/v1/border-zones')).items;
      if (offlineSupported()) refreshKeys(ctx.api).catch(() => {});
      flushPending(ctx.api).catch(() => {});
    } catch { /* offline: the post's zone can still be typed */ }
    const places = zones.flatMap((z) => z.places.filter((p) => p.post).map((p) => ({ value: `${p.code}|${z.code}`, text: `${z.code}. ${p.name[language()] || p.name.en}` })));
    const f = makeForm({ submit: 'zcheck.check', async onSubmit(v) {
      localStorage.setItem(POST_KEY, v.post);
      const [place, zone] = v.post.split('|');
      const body = { qr: v.qr.trim(), passport_number: v.passport_number, place, ...(v.surname ? { surname: v.surname } : {}) };
      try {
        const r = await ctx.api.post('/api/v1/zone-permit-checks', body);
        out.replaceChildren(verdict(r));
      } catch (err) {
        if (err?.status !== 0) throw err;
        keepPending(body);
        const r = await verifyZoneOffline(body.qr, { passport: body.passport_number, surname: body.surname, zone });
        out.replaceChildren(notice({ key: 'verify.network' }, 'error'), verdict(r));
      }
      announce(out.textContent);
      out.querySelector('.verdict')?.focus();
    } }, fieldset('zcheck.post', field({ name: 'post', label: 'zcheck.post', required: true, value: localStorage.getItem(POST_KEY) || places[0]?.value, options: places })),
    fieldset('zcheck.permit',
      field({ name: 'qr', label: 'verify.qr_text', required: true, multiline: true, maxlength: 4096, spellcheck: 'false', autocapitalize: 'none' }),
      field({ name: 'passport_number', label: 'zcheck.passport_in_hand', required: true, maxlength: 30, autocapitalize: 'characters', spellcheck: 'false' }),
      field({ name: 'surname', label: 'zones.surname', maxlength: 60, autocapitalize: 'characters' })));
    const video = h('video', { class: 'scan-video', muted: true, playsinline: true, hidden: true, 'aria-hidden': 'true' });
    const scanner = new QrScanner(video);
    const scan = h('button', { type: 'button', class: 'secondary big', i18n: 'verify.scan_start', onclick: async () => {
      if (scanner.active) { scanner.stop(); video.hidden = true; return; }
      video.hidden = false;
      try {
        await scanner.start({ alive: () => ctx.current(), onResult: (text) => {
          video.hidden = true;
          f.form.querySelector('textarea').value = text;
          f.form.querySelector('input[name=passport_number]').focus();
        } });
      } catch { video.hidden = true; out.replaceChildren(notice({ key: 'zcheck.no_camera' }, 'error')); }
    } });
    append(view, h('h1', { i18n: 'zcheck.title' }), h('p', { class: 'lead', i18n: 'zcheck.lead' }), h('section', { class: 'card' }, scan, video, f.form), out);
  },
};
