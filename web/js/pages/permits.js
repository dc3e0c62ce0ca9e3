// permits.js: a carrier's permits (#/permits, GET /api/v1/permits): status (expired once past
// its date), the QR code, the PDF, and returning an unused permit
// (POST /api/v1/permits/{id}/return). Applications the ministry still reviews are listed too.
import { append, h, dateEl, announce } from '../dom.js';
import { t } from '../i18n.js';
import { historyBox } from '../history.js';
import { pagedList } from '../list.js';
import { permitFacts, permitStatus, qrImage, pdfLink, confirmButton, errorNotice, countryName, typeName, row } from '../permit-ui.js';

function permitCard(p, ctx, reload) {
  const history = historyBox(ctx, `/api/v1/permits/${encodeURIComponent(p.id)}/history`);
  const unused = p.status === 'issued' && permitStatus(p) === 'issued';
  const qr = h('details', { class: 'qr-toggle' }, h('summary', { i18n: 'permits.show_qr' }));
  qr.addEventListener('toggle', () => {
    if (qr.open && !qr.querySelector('img')) qr.append(qrImage(p));
  }, { once: false });
  return h('li', { class: 'card permit', dataset: { permit: p.id, status: permitStatus(p) } },
    h('h3', { class: 'mono' }, p.id),
    permitFacts(p),
    p.qr && !['revoked', 'returned', 'expired'].includes(permitStatus(p)) && !p.used_up ? qr : null, // no live code when void
    h('div', { class: 'button-row' },
      p.qr ? pdfLink(p) : null,
      unused ? confirmButton({
        label: 'permits.return', confirm: 'permits.return_confirm', danger: true,
        async act() {
          await ctx.api.post(`/api/v1/permits/${encodeURIComponent(p.id)}/return`);
          announce(t('permits.returned_done', { id: p.id }));
          await reload();
        },
      }) : null),
    history);
}

function pendingList(items, ctx) {
  if (!items.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'permits-pending' },
    h('h2', { id: 'permits-pending', i18n: 'permits.pending_title' }),
    h('ul', { class: 'plain' }, items.map((ap) => h('li', { dataset: { application: String(ap.id) } },
      h('dl', { class: 'facts' },
        row('review.application', `#${ap.id}`),
        row('permit.partner', countryName(ap.partner)),
        row('permit.type', typeName(ap.type_name)),
        row('review.submitted', dateEl(ap.created_at, true))),
      historyBox(ctx, `/api/v1/permit-applications/${ap.id}/history`)))));
}

export default {
  async render(view, ctx) {
    const pendingBox = h('div');
    // The server searches and pages the carrier's own permits (GET /api/v1/permits?q=&status=).
    const list = pagedList(ctx, {
      path: '/api/v1/permits', size: 20, empty: 'permits.none',
      search: { label: 'list.search', hint: 'list.permits_hint' },
      filters: [{ name: 'status', label: 'list.status', options: [{ value: '', label: 'ui.any' },
        ...['issued', 'used', 'returned', 'revoked'].map((v) => ({ value: v, label: `permit_status.${v}` }))] }],
      draw: (items) => h('ul', { class: 'cards' }, items.map((p) => permitCard(p, ctx, reload))),
    });
    async function reload() {
      try {
        const pending = await ctx.api.get('/api/v1/permit-applications?status=pending_review');
        pendingBox.replaceChildren(pendingList(pending.items, ctx) ?? '');
      } catch (err) {
        pendingBox.replaceChildren(errorNotice(err));
      }
      await list.reload();
    }
    append(view,
      h('h1', { i18n: 'permits.title' }),
      h('p', { class: 'lead', i18n: 'permits.lead' }),
      pendingBox,
      list.el,
      h('p', { class: 'aside no-print' }, h('a', { href: '#/apply', i18n: 'permits.apply_link' })));
    await reload();
  },
};
