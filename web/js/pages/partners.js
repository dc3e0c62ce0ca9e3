// partners.js: the partner exchange (#/partners), for the ministry (auditors read it only):
// each partner authority with its handshake (GET /api/v1/partners), the keys it publishes,
// the backlog of events we send it with the recent ones (GET …/{code}/outbox) and the events
// it sent us with our verdicts (GET …/{code}/inbox); adding a partner by its API address
// (POST /api/v1/partners) and fetching its configuration again (POST …/{code}/refresh); our
// own signing keys (GET /api/v1/keys) with making a new one (POST /api/v1/keys) and revoking
// an old one (POST /api/v1/keys/{kid}/revoke).
import { append, h, dateEl, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { describeError } from '../errors.js';
import { confirmButton, countryName, table, errorNotice, fmt } from '../permit-ui.js';
import { GOV_ROLES } from './quotas.js';

const enc = encodeURIComponent;
const EVENTS_SHOWN = 20;

// The exchange's own error codes, shown from this page's catalogue keys.
const ERROR_KEYS = {
  partner_unreachable: 'partners.error.unreachable',
  partner_configuration_invalid: 'partners.error.configuration_invalid',
  partner_address_private: 'partners.error.address_private',
  KEYID_ALREADY_EXISTS: 'partners.error.keyid_exists',
  key_in_use: 'partners.error.key_in_use',
  key_already_revoked: 'partners.error.key_already_revoked',
};

// api_url problems exactly as src/api/partners.c words them.
const URL_PROBLEMS = {
  'must be an http:// or https:// address': 'partners.problem.url',
  'must not contain spaces or quotes': 'partners.problem.url_chars',
};

const isApiError = (err) => err?.name === 'ApiError';

// A network problem as libcurl or the partner worded it (English), said in the user's
// language; the original stays one tap away for the technician.
const NETWORK_PROBLEMS = [
  [/couldn'?t connect|connection refused|failed to connect/i, 'ui.net_refused'],
  [/timed? ?out|timeout/i, 'ui.net_timeout'],
  [/resolve host|name or service not known|could not resolve/i, 'ui.net_dns'],
  [/ssl|tls|certificate/i, 'ui.net_tls'],
  [/HTTP [45]\d\d|status [45]\d\d/i, 'ui.net_http'],
  [/configuration|"keys"|json/i, 'ui.net_config'],
  [/signature|ES256|key/i, 'ui.net_key'],
];
function networkProblem(text, cls) {
  const hit = NETWORK_PROBLEMS.find(([re]) => re.test(text || ''));
  const code = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/.exec(text || ''); // the partner's own code, e.g. PERMIT_NOTFOUND
  return h('span', { class: cls }, h('span', { i18n: hit ? hit[1] : 'ui.net_other' }), code ? [' ', h('span', { class: 'mono' }, code[0])] : null, ' ',
    h('details', { class: 'raw-detail' }, h('summary', { i18n: 'ui.net_detail' }), h('span', { class: 'mono', lang: 'en' }, text)));
}

// The server's sentence, for the exchange's own codes: it names the address and what failed
// (a refused connection, a timeout, a key that is not ES256), which the ministry needs.
function detail(err) {
  return ERROR_KEYS[err.code] && err.message ? h('p', { class: 'hint error-detail', i18n: 'partners.error_detail',
    args: { text: err.message } }) : null;
}

// A notice for a failed action, in the user's language where the code is known.
function failure(err) {
  if (!isApiError(err)) return errorNotice(err);
  const box = notice(ERROR_KEYS[err.code] ? { key: ERROR_KEYS[err.code] } : describeError(err), 'error');
  return append(box, detail(err));
}

// permit-ui's confirmButton (ask once more before acting), with this page's errors.
const askButton = (opts) => confirmButton({ ...opts, failure });

const num = (n) => h('span', { class: 'num-value' }, fmt(n));
const mono = (text) => h('span', { class: 'mono' }, text);
const never = () => h('span', { class: 'aside', i18n: 'partners.never' });
const when = (iso) => (iso ? dateEl(iso, true) : never());

// How long ago, in the largest unit that fits ("3 hours"); relabelled on a language change.
function age(iso) {
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 120) return h('span', { i18n: 'partners.age_minutes', args: { count: minutes } });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return h('span', { i18n: 'partners.age_hours', args: { count: hours } });
  return h('span', { i18n: 'partners.age_days', args: { count: Math.floor(hours / 24) } });
}

// A <dl> row that keeps a value of 0 (permit-ui's row leaves out empty values only).
function fact(key, value) {
  return h('div', { class: 'row' }, h('dt', { i18n: key }), h('dd', {}, value));
}

const HANDSHAKE_TONE = { ok: 'ok', failed: 'bad', none: 'info' };

function handshake(p) {
  const s = p.handshake?.state || 'none';
  return [
    h('span', { class: `badge badge-${HANDSHAKE_TONE[s] || 'info'}`, dataset: { state: s }, i18n: `partners.handshake_${s}`,
      fallback: s }),
    p.handshake?.at ? [' ', h('span', { class: 'aside' }, dateEl(p.handshake.at, true))] : null,
    s === 'failed' && p.handshake.error ? h('p', { class: 'handshake-error' }, networkProblem(p.handshake.error)) : null,
  ];
}

function keyTable(keys) {
  if (!keys.length) return h('p', { class: 'aside', i18n: 'partners.keys_none' });
  return table({
    caption: 'partners.keys_caption', items: keys,
    rowAttrs: (k) => ({ dataset: { kid: k.kid, revoked: String(!!k.revoked_at) } }),
    columns: [
      { key: 'partners.kid', cell: (k) => mono(k.kid) },
      { key: 'partners.key_added', cell: (k) => dateEl(k.created_at, true) },
      { key: 'partners.key_state', cell: (k) => (k.revoked_at
        ? [h('span', { class: 'badge badge-bad', i18n: 'partners.key_revoked' }), ' ', dateEl(k.revoked_at, true)]
        : h('span', { class: 'badge badge-ok', i18n: 'partners.key_valid' })) },
    ],
  });
}

// Event types by their protocol names (KEY_CREATED, PERMIT_USED…), as the server wrote them when unknown.
const eventType = (type) => (type ? h('span', { i18n: `partners.event_${String(type).toLowerCase()}`, fallback: type })
  : h('span', { class: 'aside', i18n: 'partners.unreadable' }));

function outboxTable(events) {
  return table({
    caption: 'partners.outbox_caption', items: events,
    rowAttrs: (e) => ({ dataset: { event: e.event_id, state: e.state } }),
    columns: [
      { key: 'partners.seq', num: true, cell: (e) => num(e.seq) },
      { key: 'partners.event_type', cell: (e) => eventType(e.event_type) },
      { key: 'partners.event_state', cell: (e) => h('span', { class: `badge badge-${e.state === 'delivered' ? 'ok' : 'warn'}`,
        i18n: `partners.state_${e.state}`, fallback: e.state }) },
      { key: 'partners.attempts', num: true, cell: (e) => num(e.attempts) },
      { key: 'partners.queued', cell: (e) => dateEl(e.created_at, true) },
      { key: 'partners.delivered_or_next', cell: (e) => (e.delivered_at ? dateEl(e.delivered_at, true)
        : e.next_attempt_at ? [h('span', { i18n: 'partners.next_attempt' }), ' ', dateEl(e.next_attempt_at, true)] : never()) },
      { key: 'partners.last_error', cell: (e) => (e.last_error ? networkProblem(e.last_error, 'error-text') : '') },
    ],
  });
}

function inboxTable(events) {
  return table({
    caption: 'partners.inbox_caption', items: events,
    rowAttrs: (e) => ({ dataset: { verdict: e.verdict, code: e.error_code || '' } }),
    columns: [
      { key: 'partners.received', cell: (e) => dateEl(e.received_at, true) },
      { key: 'partners.event_type', cell: (e) => eventType(e.event_type) },
      { key: 'partners.verdict', cell: (e) => h('span', { class: `badge badge-${e.verdict === 'applied' ? 'ok' : 'bad'}`,
        i18n: `partners.verdict_${e.verdict}`, fallback: e.verdict }) },
      { key: 'partners.refusal', cell: (e) => (e.error_code
        ? [mono(e.error_code), e.error_message ? h('span', { class: 'aside' }, ` ${e.error_message}`) : null] : '') },
      { key: 'partners.event_id', cell: (e) => (e.event_id ? mono(e.event_id) : '') },
    ],
  });
}

// A <details> whose table is fetched when it is first opened, with "show older" paging.
function lazyEvents({ summary, url, query = '', render, none, ctx }) {
  const body = h('div', { class: 'events-body' });
  const more = h('button', { type: 'button', class: 'secondary', i18n: 'partners.older', hidden: true });
  const shown = [];
  const el = h('details', { class: 'events' }, h('summary', { i18n: summary }), body, h('div', { class: 'button-row' }, more));
  async function load(before) {
    more.disabled = true;
    try {
      const q = `limit=${EVENTS_SHOWN}${before ? `&before=${before}` : ''}${query ? `&${query}` : ''}`;
      const { events } = await ctx.api.get(`${url}?${q}`);
      shown.push(...events);
      body.replaceChildren(shown.length ? render(shown) : h('p', { class: 'aside', i18n: none }));
      more.hidden = events.length < EVENTS_SHOWN;
    } catch (err) {
      body.replaceChildren(failure(err));
    } finally {
      more.disabled = false;
    }
  }
  el.addEventListener('toggle', () => {
    if (el.open && !el.dataset.loaded) {
      el.dataset.loaded = 'true';
      body.replaceChildren(h('p', { class: 'aside', i18n: 'partners.loading' }));
      load(0);
    }
  });
  more.addEventListener('click', () => load(shown[shown.length - 1]?.id));
  return el;
}

// Events set aside after the partner refused them too often, with the ministry's decision.
function deadTable(ctx, base) {
  const canEdit = GOV_ROLES.includes(ctx.user.role);
  return (events) => table({
    caption: 'partners.dead_caption', items: events,
    rowAttrs: (e) => ({ dataset: { event: e.event_id, state: e.state, outbox: String(e.id) } }),
    columns: [
      { key: 'partners.event_type', cell: (e) => eventType(e.event_type) },
      { key: 'partners.event_state', cell: (e) => h('span', { class: 'badge badge-bad', i18n: `partners.state_${e.state}`, fallback: e.state }) },
      { key: 'partners.attempts', num: true, cell: (e) => num(e.attempts) },
      { key: 'partners.last_error', cell: (e) => (e.last_error ? networkProblem(e.last_error, 'error-text') : '') },
      ...(canEdit ? [{ key: 'partners.decision', cell: (e) => {
        const out = h('span', { class: 'decision' });
        const act = (what, done) => async () => {
          try {
            const r = await ctx.api.post(`${base}/outbox/${e.id}/${what}`);
            out.replaceChildren(notice({ key: done, args: { state: r.state } }));
          } catch (err) {
            out.replaceChildren(failure(err));
          }
        };
        const retry = h('button', { type: 'button', class: 'secondary', i18n: 'partners.retry', dataset: { retry: String(e.id) } });
        const skip = h('button', { type: 'button', class: 'secondary danger', i18n: 'partners.skip', dataset: { skip: String(e.id) } });
        retry.addEventListener('click', act('retry', 'partners.retried'));
        skip.addEventListener('click', act('skip', 'partners.skipped_done'));
        return append(out, retry, ' ', skip);
      } }] : []),
    ],
  });
}

// The reference's healthcheck, asked of the partner on demand.
function healthButton(ctx, base) {
  const out = h('div', { class: 'healthcheck', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary', i18n: 'partners.health_check', dataset: { health: base } });
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.replaceChildren(h('p', { class: 'aside', i18n: 'partners.health_checking' }));
    try {
      const { healthcheck: r } = await ctx.api.get(`${base}/healthcheck`);
      out.dataset.ok = String(r.ok);
      out.replaceChildren(r.ok ? notice({ key: 'partners.health_ok' })
        : append(notice({ key: 'partners.health_problem' }, 'error'), h('p', { class: 'hint error-detail' }, r.problem || '')));
    } catch (err) {
      out.replaceChildren(failure(err));
    } finally {
      button.disabled = false;
    }
  });
  return [h('div', { class: 'button-row' }, button), out];
}

function partnerCard(p, ctx, { onRefresh, message } = {}) {
  const base = `/api/v1/partners/${enc(p.code)}`;
  const o = p.outbox || {};
  const inb = p.inbound || {};
  const id = `partner-${p.code}`;
  const msg = h('div', { class: 'partner-msg' }, message || null);
  const card = h('li', { class: 'card partner', dataset: { partner: p.code, handshake: p.handshake?.state || 'none' },
    'aria-labelledby': id },
  h('h3', { id, class: 'org-name' }, countryName(p.code, p.name), ' ', h('span', { class: 'mono code' }, p.code)),
  h('dl', { class: 'facts' },
    fact('partners.api_url', p.api_url ? mono(p.api_url) : h('span', { class: 'aside', i18n: 'partners.no_api_url' })),
    fact('partners.handshake', h('span', { class: 'handshake' }, handshake(p)))),
  h('h4', { i18n: 'partners.keys_title' }),
  h('div', { class: 'partner-keys' }, keyTable(p.keys || [])),
  h('h4', { i18n: 'partners.outbox_title' }),
  h('dl', { class: 'facts backlog' },
    fact('partners.pending', h('span', { dataset: { pending: String(o.pending ?? 0) } }, fmt(o.pending ?? 0))),
    fact('partners.oldest_pending', o.oldest_pending_at
      ? [age(o.oldest_pending_at), ' (', dateEl(o.oldest_pending_at, true), ')']
      : h('span', { class: 'aside', i18n: 'partners.nothing_pending' })),
    fact('partners.dead', h('span', { dataset: { dead: String(o.dead ?? 0) } }, fmt(o.dead ?? 0))),
    fact('partners.delivered', fmt(o.delivered ?? 0)),
    fact('partners.last_delivered', when(o.last_delivered_at)),
    o.last_error ? fact('partners.last_error', h('span', { class: 'error-text' }, o.last_error)) : null),
  lazyEvents({ summary: 'partners.outbox_show', url: `${base}/outbox`, render: outboxTable, none: 'partners.outbox_none', ctx }),
  o.dead ? lazyEvents({ summary: 'partners.dead_show', url: `${base}/outbox`, query: 'state=dead', render: deadTable(ctx, base),
    none: 'partners.dead_none', ctx }) : null,
  ...(p.api_url ? healthButton(ctx, base) : []),
  h('h4', { i18n: 'partners.inbound_title' }),
  h('dl', { class: 'facts' },
    fact('partners.applied', fmt(inb.applied ?? 0)),
    fact('partners.refused', fmt(inb.refused ?? 0)),
    fact('partners.last_received', inb.last_event_id ? mono(inb.last_event_id) : h('span', { class: 'aside', i18n: 'partners.none_yet' }))),
  lazyEvents({ summary: 'partners.inbox_show', url: `${base}/inbox`, render: inboxTable, none: 'partners.inbox_none', ctx }));
  if (GOV_ROLES.includes(ctx.user.role) && p.api_url) {
    const button = h('button', { type: 'button', class: 'secondary', i18n: 'partners.refresh', dataset: { refresh: p.code } });
    button.addEventListener('click', () => onRefresh(p, card, button));
    append(card, h('div', { class: 'button-row' }, button));
  }
  return append(card, msg);
}

function addForm(ctx, done) {
  const f = makeForm({
    submit: 'partners.add_submit',
    async onSubmit(v, form) {
      let r;
      try {
        r = await ctx.api.post('/api/v1/partners', { api_url: v.api_url });
      } catch (err) {
        if (!isApiError(err)) throw err;
        err.fields = err.fields.map((x) => (URL_PROBLEMS[x.problem] ? { ...x, problem: { key: URL_PROBLEMS[x.problem] } } : x));
        if (!ERROR_KEYS[err.code]) throw err;
        form.showError(err);
        form.summary.querySelector('.error-message').replaceWith(
          ...[h('p', { class: 'error-message', i18n: ERROR_KEYS[err.code] }), detail(err)].filter(Boolean));
        return;
      }
      form.form.querySelector('[name="api_url"]').value = '';
      await done(r.partner);
    },
  }, fieldset('partners.add_title',
    field({ name: 'api_url', label: 'partners.api_url', hint: 'partners.api_url_hint', required: true, type: 'url',
      inputmode: 'url', autocomplete: 'url', spellcheck: 'false', autocapitalize: 'off', maxlength: 1000,
      check: (v) => (/^https?:\/\/[^\s"<>\\]+$/i.test(v) ? null : { key: 'partners.problem.url' }) })));
  f.form.querySelector('legend').classList.add('visually-hidden');
  f.form.classList.add('partner-add');
  return h('section', { class: 'card', 'aria-labelledby': 'partners-add' },
    h('h2', { id: 'partners-add', i18n: 'partners.add_title' }), h('p', { class: 'hint', i18n: 'partners.add_hint' }), f.form);
}

function ownKeyTable(keys, ctx, reloadKeys) {
  if (!keys.length) return h('p', { class: 'aside', i18n: 'partners.own_keys_none' });
  const canEdit = GOV_ROLES.includes(ctx.user.role);
  const columns = [
    { key: 'partners.kid', cell: (k) => mono(k.kid) },
    { key: 'partners.key_made', cell: (k) => dateEl(k.created_at, true) },
    { key: 'partners.key_state', cell: (k) => (k.revoked_at
      ? [h('span', { class: 'badge badge-bad', i18n: 'partners.key_revoked' }), ' ', dateEl(k.revoked_at, true)]
      : k.current ? h('span', { class: 'badge badge-ok', i18n: 'partners.key_current' })
        : h('span', { class: 'badge badge-info', i18n: 'partners.key_still_valid' })) },
  ];
  if (canEdit) {
    columns.push({ key: 'partners.key_action', cell: (k) => (k.current || k.revoked_at ? '' : askButton({
      label: 'partners.revoke', confirm: 'partners.revoke_confirm', danger: true, data: { revoke: k.kid },
      async act() {
        await ctx.api.post(`/api/v1/keys/${enc(k.kid)}/revoke`);
        await reloadKeys({ key: 'partners.revoked_done', args: { kid: k.kid } });
      },
    })) });
  }
  return table({ caption: 'partners.own_keys_caption', items: keys, columns,
    rowAttrs: (k) => ({ dataset: { kid: k.kid, current: String(k.current), revoked: String(!!k.revoked_at) } }) });
}

export default {
  async render(view, ctx) {
    const canEdit = GOV_ROLES.includes(ctx.user.role);
    const flash = h('div', { 'aria-live': 'polite' });
    const listBox = h('div');
    const keysFlash = h('div', { 'aria-live': 'polite' });
    const keysBox = h('div');

    async function refresh(p, card, button) {
      button.disabled = true;
      let message = null;
      let fresh = p;
      try {
        fresh = (await ctx.api.post(`/api/v1/partners/${enc(p.code)}/refresh`)).partner;
        message = notice({ key: 'partners.refreshed', args: { code: p.code } });
        announce(message.textContent);
      } catch (err) {
        if (!isApiError(err)) console.error(err);
        message = failure(err);
        // A failed fetch is recorded as the partner's handshake error: show it.
        fresh = (await ctx.api.get(`/api/v1/partners/${enc(p.code)}`).catch(() => ({ partner: p }))).partner;
      }
      const next = partnerCard(fresh, ctx, { onRefresh: refresh, message });
      card.replaceWith(next);
      next.querySelector('[data-refresh]')?.focus();
    }

    async function reload(done) {
      try {
        const { partners } = await ctx.api.get('/api/v1/partners');
        listBox.replaceChildren(partners.length
          ? h('ul', { class: 'cards partners' }, partners.map((p) => partnerCard(p, ctx, { onRefresh: refresh })))
          : h('p', { class: 'aside', i18n: 'partners.none' }));
        flash.replaceChildren(done ? notice(done) : '');
        if (done) announce(flash.textContent);
      } catch (err) {
        listBox.replaceChildren(failure(err));
      }
    }

    async function reloadKeys(done) {
      try {
        const { keys } = await ctx.api.get('/api/v1/keys');
        keysBox.replaceChildren(ownKeyTable(keys, ctx, reloadKeys));
        keysFlash.replaceChildren(done ? notice(done) : '');
        if (done) announce(keysFlash.textContent);
      } catch (err) {
        keysBox.replaceChildren(failure(err));
      }
    }

    append(view,
      h('h1', { i18n: 'partners.title' }),
      h('p', { class: 'lead', i18n: 'partners.lead' }),
      flash,
      h('section', { 'aria-labelledby': 'partners-list' },
        h('h2', { id: 'partners-list', i18n: 'partners.list_title' }), listBox),
      canEdit ? addForm(ctx, (p) => reload({ key: 'partners.added', args: { code: p.code } })) : null,
      h('section', { 'aria-labelledby': 'partners-keys', class: 'own-keys' },
        h('h2', { id: 'partners-keys', i18n: 'partners.own_keys_title' }),
        h('p', { class: 'hint', i18n: 'partners.own_keys_hint' }), keysFlash, keysBox,
        canEdit ? askButton({ label: 'partners.new_key', confirm: 'partners.new_key_confirm', data: { newKey: '' },
          async act() {
            const { key } = await ctx.api.post('/api/v1/keys');
            await reloadKeys({ key: 'partners.new_key_done', args: { kid: key?.kid ?? '' } });
          } }) : null));
    await Promise.all([reload(), reloadKeys()]);
  },
};
