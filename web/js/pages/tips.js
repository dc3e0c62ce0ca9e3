// tips.js: a traveller's vehicle in the customs union (#/tips): record an entry (temporary
// import and the ecotax due), see expiry with a reminder when it is near, record leaving,
// record the ecotax payment and download the receipt with its QR.
import { pagedList } from '../list.js';
import { append, h, dateEl, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, kgDate } from '../i18n.js';
import { row, term, fmt } from '../permit-ui.js';

const today = () => kgDate();

function tipCard(x, ctx, reload) {
  const open = x.status === 'open';
  const box = h('li', { class: `card tip${x.reminder_due ? ' tip-due' : ''}`, dataset: { id: String(x.id), status: x.status } },
    h('h3', { class: 'plate' }, `${x.plate} (${x.plate_country})`),
    x.reminder_due ? notice({ key: 'tips.reminder', args: { days: String(x.days_left) } }, 'error') : null,
    h('dl', { class: 'facts' },
      row('tips.kind', term('tip_kind', x.kind)),
      row('tips.status', term('tip_status', x.status)),
      row('tips.entry', h('span', {}, dateEl(x.entry_date), ` · ${x.entry_checkpoint} ← ${x.entered_from}`)),
      row('tips.expiry', h('span', {}, dateEl(x.expiry_date), open ? ` (${t('tips.days_left', { days: String(x.days_left) })})` : '')),
      row('tips.ecotax', h('span', {}, `${fmt(x.ecotax.amount_som)} `, h('span', { i18n: 'zones.som' }), ' · ',
        term('ecotax_reason', x.ecotax.reason), x.ecotax.paid ? h('span', { class: 'badge badge-ok', i18n: 'tips.paid' }) : null))));
  if (x.ecotax.paid) {
    append(box, h('p', {}, h('a', { href: `/api/v1/tips/${x.id}/ecotax-receipt`, download: `${x.ecotax.receipt.number}.pdf`, i18n: 'tips.receipt' })));
  } else if (x.ecotax.amount_som > 0) {
    const f = makeForm({ submit: 'tips.pay', async onSubmit(v) {
      await ctx.api.post(`/api/v1/tips/${x.id}/ecotax-payment`, { reference: v.reference });
      announce(t('tips.paid'));
      await reload();
    } }, fieldset('tips.pay_title', field({ name: 'reference', label: 'zones.reference', required: true, maxlength: 100 })));
    append(box, f.form);
  }
  if (open) {
    const f = makeForm({ submit: 'tips.exit', async onSubmit(v) {
      await ctx.api.post(`/api/v1/tips/${x.id}/exit`, { exit_date: v.exit_date, exit_checkpoint: v.exit_checkpoint, to_country: v.to_country.toUpperCase() });
      await reload();
    } }, fieldset('tips.exit_title', h('p', { class: 'aside', i18n: 'tips.exit_note' }),
      field({ name: 'exit_date', label: 'tips.date', type: 'date', required: true, value: today() }),
      field({ name: 'exit_checkpoint', label: 'tips.checkpoint', required: true, maxlength: 40 }),
      field({ name: 'to_country', label: 'tips.to_country', required: true, maxlength: 2 })));
    append(box, f.form);
  }
  return box;
}

export default {
  async render(view, ctx) {
    // the traveller's own TIPs, searched (plate, VIN, make, owner) and paged by the server
    const paged = pagedList(ctx, {
      path: '/api/v1/tips', size: 20, empty: 'tips.none',
      search: { label: 'list.search', hint: 'list.tips_hint' },
      filters: [{ name: 'status', label: 'list.status', options: [{ value: '', label: 'ui.any' },
        ...['open', 'closed'].map((v) => ({ value: v, label: `tip_status.${v}` }))] }],
      draw: (items) => h('ul', { class: 'cards' }, items.map((x) => tipCard(x, ctx, reload))),
    });
    const list = paged.el;
    const reload = () => paged.reload();
    let fees = { items: [], customs_union: [] };
    try { fees = await ctx.api.get('/api/v1/ecotax-fees'); } catch { /* shown without */ }
    const done = h('div');
    const f = makeForm({ submit: 'tips.enter_submit', async onSubmit(v, ctl) {
      const body = { ...v, plate_country: v.plate_country.toUpperCase(), entered_from: v.entered_from.toUpperCase(), term_months: Number(v.term_months) };
      const r = await ctx.api.post('/api/v1/tips', body);
      ctl.form.reset();
      done.replaceChildren(notice({ key: `tips.action.${r.action}`, args: { som: fmt(r.tip.ecotax.amount_som) } }));
      await reload();
    } }, fieldset('tips.vehicle',
      field({ name: 'plate', label: 'vehicle.plate', required: true, maxlength: 20, autocapitalize: 'characters' }),
      field({ name: 'plate_country', label: 'tips.plate_country', required: true, maxlength: 2 }),
      field({ name: 'kind', label: 'tips.kind', required: true, value: 'car', options: ['car', 'motorcycle', 'truck'].map((k) => ({ value: k, label: `tip_kind.${k}` })) }),
      field({ name: 'make_model', label: 'vehicle.make_model', maxlength: 80 }),
      field({ name: 'owner_name', label: 'tips.owner', required: true, maxlength: 120 }),
      field({ name: 'owner_passport', label: 'zones.passport_number', required: true, maxlength: 30 })),
    fieldset('tips.entry_title',
      field({ name: 'entry_date', label: 'tips.date', type: 'date', required: true, value: today() }),
      field({ name: 'entry_checkpoint', label: 'tips.checkpoint', required: true, maxlength: 40 }),
      field({ name: 'entered_from', label: 'tips.entered_from', hint: 'tips.entered_from_hint', hintArgs: { members: fees.customs_union.join(', ') }, required: true, maxlength: 2 }),
      field({ name: 'term_months', label: 'tips.term', required: true, value: '6', options: [6, 7, 8, 9, 10, 11, 12].map((m) => ({ value: String(m), text: String(m) })) })));
    append(view, h('h1', { i18n: 'tips.title' }), h('p', { class: 'lead', i18n: 'tips.lead' }),
      h('p', { class: 'aside' }, h('span', { i18n: 'tips.fees' }), ' ', fees.items.map((x) => `${t(`tip_kind.${x.kind}`)}: ${fmt(x.fee_som)}`).join(' · ')),
      h('section', { class: 'card' }, h('h2', { i18n: 'tips.enter_title' }), done, f.form),
      h('section', {}, h('h2', { i18n: 'tips.mine' }), list));
    await reload();
  },
};
