// permit-ui.js: pieces shared by the freight-permit pages: translated names of countries,
// permit types, vehicle kinds and statuses, a permit's facts, its QR image and PDF link,
// lists of refusal or verification reasons, small buttons that ask before they act, and
// tables.
import { append, h, dateEl, notice } from './dom.js';
import { describeError, describeReason } from './errors.js';
import { formatNumber, kgYear } from './i18n.js';

// An enumerated value (status, kind…) from the catalogue under prefix, or as the server sent it.
export function term(prefix, value) {
  const v = String(value ?? '');
  return h('span', { i18n: `${prefix}.${v.toLowerCase()}`, fallback: v });
}

// A partner country: its name in the current language, else the server's name, else the code.
export function countryName(code, name) {
  return h('span', { i18n: `country.${String(code).toLowerCase()}`, fallback: name || code });
}

// A permit type by its protocol name (BILATERAL, TRANSIT…).
export function typeName(name) {
  return term('permit_type', name);
}

// A <dl> row; value is text or a node. Empty values are left out.
export function row(labelKey, value) {
  if (value === undefined || value === null || value === '') return null;
  return h('div', { class: 'row' }, h('dt', { i18n: labelKey }), h('dd', {}, value));
}

// "31/01/2027" (the permit's own day, as in the QR) → a <time> shown in the current language.
export function dmyDate(dmy) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy || '');
  if (!m) return dmy || null;
  return dateEl(`${m[3]}-${m[2]}-${m[1]}T12:00:00`);
}

// The reason a permit was withdrawn: the server's own default sentence (src/api/permits.c)
// in the user's language; what a person typed, as typed.
const DEFAULT_REASONS = { 'returned unused by the carrier': 'ui.reason_returned_unused' };
export function statusReason(text) {
  return DEFAULT_REASONS[text] ? h('span', { i18n: DEFAULT_REASONS[text] }) : text;
}

// The status a person should see: expired once past its date, else as recorded.
export function permitStatus(p) {
  return p.effective_status || p.status;
}

export function statusBadge(p) {
  const s = permitStatus(p);
  const tone = s === 'issued' ? 'ok' : s === 'used' ? 'info' : 'bad';
  return h('span', { class: `badge badge-${tone}`, dataset: { status: s } }, term('permit_status', s));
}

// The permit's facts as a definition list.
export function permitFacts(p, { more = false } = {}) {
  return h('dl', { class: 'facts' },
    row('permit.id', h('span', { class: 'mono' }, p.id)),
    row('permit.type', typeName(p.type_name)),
    row('permit.partner', countryName(p.verifier)),
    more ? row('permit.issuer', countryName(p.issuer)) : null,
    row('permit.plate', h('span', { class: 'mono' }, p.plate)),
    p.trailer_plate ? row('pm.trailer_plate', h('span', { class: 'mono' }, p.trailer_plate)) : null,
    p.departure_country && p.arrival_country
      ? row('pm.trip', h('span', { class: 'trip-ends' }, countryName(p.departure_country), ' → ', countryName(p.arrival_country)))
      : null,
    row('permit.company', p.company_name),
    more ? row('field.inn', p.company_id) : null,
    row('permit.issued_on', dmyDate(p.issued_on)),
    row('permit.valid_until', dmyDate(p.valid_until)),
    row('permit.status', statusBadge(p)),
    p.status_reason && ['revoked', 'returned'].includes(p.status) ? row('permit.status_reason', statusReason(p.status_reason)) : null);
}

const enc = encodeURIComponent;
export const qrUrl = (id) => `/api/v1/permits/${enc(id)}/qr?format=svg`;
export const pdfUrl = (id) => `/api/v1/permits/${enc(id)}/pdf`;

// The permit's QR code as an image the officer can scan off the screen.
export function qrImage(p, { lazy = false } = {}) {
  return h('figure', { class: 'qr' },
    h('img', { src: qrUrl(p.id), width: 240, height: 240, loading: lazy ? 'lazy' : null,
      i18nAttr: { alt: 'permit.qr_alt' }, args: { id: p.id } }),
    h('figcaption', { i18n: 'permit.qr_caption' }));
}

export function pdfLink(p) {
  return h('a', { class: 'button', href: pdfUrl(p.id), download: `${p.id}.pdf`, dataset: { pdf: p.id } },
    h('span', { i18n: 'permit.pdf' }));
}

// Every reason, each translated by its code where the catalogue knows it.
export function reasonsList(reasons, { cls = 'reasons' } = {}) {
  return h('ul', { class: cls }, reasons.map((r) => {
    const d = describeReason(r);
    return h('li', { dataset: { code: r.code } }, d.key ? h('span', { i18n: d.key }) : h('span', {}, d.text));
  }));
}

// A notice for an ApiError (or any error), in the user's language where possible.
export function errorNotice(err) {
  return notice(describeError(err?.name === 'ApiError' ? err : { code: 'internal', status: 500 }), 'error');
}

// A button that asks once more before it acts: the first press shows "Yes, …" and
// "Cancel" in its place. act() may throw; its error is shown next to the buttons, by
// failure(err) when given (a page's own wording), else as errorNotice does. data: the
// first button's data- attributes.
export function confirmButton({ label, confirm, cancel = 'action.cancel', danger = false, act, data, failure = errorNotice }) {
  const first = h('button', { type: 'button', class: danger ? 'secondary danger' : 'secondary', i18n: label, dataset: data });
  const yes = h('button', { type: 'button', class: danger ? 'primary danger' : 'primary', i18n: confirm });
  const no = h('button', { type: 'button', class: 'secondary', i18n: cancel });
  const msg = h('div', { class: 'confirm-msg' });
  const ask = h('div', { class: 'confirm-ask', hidden: true }, yes, no);
  const back = () => {
    ask.hidden = true;
    first.hidden = false;
    first.focus();
  };
  first.addEventListener('click', () => {
    first.hidden = true;
    ask.hidden = false;
    yes.focus();
  });
  no.addEventListener('click', back);
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    msg.replaceChildren();
    try {
      await act();
    } catch (err) {
      if (err?.name !== 'ApiError') console.error(err);
      msg.replaceChildren(failure(err));
      back();
    } finally {
      yes.disabled = no.disabled = false;
    }
  });
  return h('div', { class: 'confirm' }, first, ask, msg);
}

// A table with a caption; columns: [{key (heading catalogue key), cell: (item) => node|text, num}].
export function table({ caption, columns, items, rowAttrs }) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', i18nAttr: { 'aria-label': caption } },
    h('table', {},
      h('caption', { i18n: caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, i18n: c.key })))),
      h('tbody', {}, items.map((it) => h('tr', rowAttrs ? rowAttrs(it) : {},
        columns.map((c, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: c.num ? 'num' : null },
          c.cell(it))))))));
}

// The year now in Kyrgyzstan (UTC+6), which is the permit year the server uses.
export function currentYear() {
  return kgYear();
}

// A number in the current language's style (i18n.js: own catalogue where Chromium lacks Kyrgyz).
export function fmt(n) {
  return formatNumber(n);
}
