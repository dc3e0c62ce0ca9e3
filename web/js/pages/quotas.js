// quotas.js: the ministry's quotas (#/quotas?year=…): the parity view per partner
// (GET /api/v1/quotas/parity: what they grant us beside what we grant them), every quota
// range with its usage (GET /api/v1/quotas), adding a range (POST /api/v1/quotas) and moving
// the end of one (PATCH /api/v1/quotas/{id}).
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, has } from '../i18n.js';
import { countryName, typeName, table, errorNotice, currentYear, fmt } from '../permit-ui.js';

export const GOV_ROLES = ['ministry', 'admin'];

// The year picker shared by the ministry's pages: changes ?year= in the address.
export function yearPicker(ctx, page, year, query = {}) {
  const now = currentYear();
  const id = `${page}-year`;
  const select = h('select', { id, name: 'year' },
    [now + 1, now, now - 1, now - 2].map((y) => h('option', { value: String(y) }, String(y))));
  select.value = String(year);
  select.addEventListener('change', () => ctx.navigate(page, { query: { ...query, year: select.value } }));
  return h('div', { class: 'field year-picker' }, h('label', { for: id, i18n: 'quotas.year' }), select);
}

export function pageYear(ctx) {
  const y = Number(ctx.query.year);
  return Number.isInteger(y) && y >= 2000 && y <= 2200 ? y : currentYear();
}

const num = (n) => h('span', { dataset: { n: String(n) } }, fmt(n));

function partnerSort(a, b) {
  return a.partner.localeCompare(b.partner);
}

function parityTable(items) {
  if (!items.length) return h('p', { class: 'aside', i18n: 'quotas.none' });
  return table({
    caption: 'quotas.parity_caption',
    items: items.sort(partnerSort),
    rowAttrs: (r) => ({ dataset: { partner: r.partner, balanced: String(r.balanced) } }),
    columns: [
      { key: 'quotas.partner', cell: (r) => countryName(r.partner) },
      { key: 'quotas.granted_to_us', num: true, cell: (r) => num(r.granted_to_us.size) },
      { key: 'quotas.issued_by_us', num: true, cell: (r) => num(r.granted_to_us.issued) },
      { key: 'quotas.granted_by_us', num: true, cell: (r) => num(r.granted_by_us.size) },
      { key: 'quotas.difference', num: true, cell: (r) => num(r.difference) },
      { key: 'quotas.balance', cell: (r) => h('span', { class: `badge badge-${r.balanced ? 'ok' : 'warn'}`,
        i18n: r.balanced ? 'quotas.balanced' : (r.difference > 0 ? 'quotas.more_to_us' : 'quotas.more_by_us') }) },
    ],
  });
}

function adjustForm(q, ctx, reload) {
  const id = `q${q.id}-end`;
  const input = h('input', { id, type: 'number', inputmode: 'numeric', min: String(q.start_number), value: String(q.end_number),
    class: 'narrow', required: true });
  const msg = h('div', { class: 'adjust-msg' });
  const form = h('form', { class: 'adjust', novalidate: true, dataset: { quota: String(q.id) } },
    h('label', { for: id, class: 'visually-hidden', i18n: 'quotas.new_end', args: { id: String(q.id) } }),
    input, h('button', { type: 'submit', class: 'secondary', i18n: 'quotas.save_end' }), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    const end = Number(input.value);
    if (!Number.isInteger(end) || end < 1) {
      msg.replaceChildren(notice({ key: 'problem.whole_number' }, 'error'));
      return;
    }
    try {
      await ctx.api.patch(`/api/v1/quotas/${q.id}`, { end_number: end });
      announce(t('quotas.end_saved'));
      await reload();
    } catch (err) {
      msg.replaceChildren(errorNotice(err));
    }
  });
  return form;
}

function quotaTable(items, ctx, reload, canEdit) {
  if (!items.length) return h('p', { class: 'aside', i18n: 'quotas.none' });
  items.sort((a, b) => a.direction.localeCompare(b.direction) || partnerSort(a, b) || a.type - b.type || a.start_number - b.start_number);
  const columns = [
    { key: 'quotas.partner', cell: (q) => countryName(q.partner) },
    { key: 'quotas.direction', cell: (q) => h('span', { i18n: `quotas.direction_${q.direction}` }) },
    { key: 'quotas.type', cell: (q) => typeName(q.type_name) },
    { key: 'quotas.serials', cell: (q) => `${q.start_number}–${q.end_number}` },
    { key: 'quotas.size', num: true, cell: (q) => num(q.size) },
    { key: 'quotas.issued', num: true, cell: (q) => num(q.usage.issued) },
    { key: 'quotas.used', num: true, cell: (q) => num(q.usage.used) },
    { key: 'quotas.remaining', num: true, cell: (q) => num(q.usage.remaining) },
  ];
  if (canEdit) columns.push({ key: 'quotas.change_end', cell: (q) => adjustForm(q, ctx, reload) });
  return table({ caption: 'quotas.list_caption', items, columns,
    rowAttrs: (q) => ({ dataset: { quota: String(q.id), partner: q.partner, direction: q.direction } }) });
}

function addForm(ctx, year, authorities, types, reload) {
  const partners = authorities.filter((a) => !a.self).map((a) => ({
    value: a.code, label: `country.${a.code.toLowerCase()}`, fallback: a.name,
    sort: has(`country.${a.code.toLowerCase()}`) ? t(`country.${a.code.toLowerCase()}`) : a.name,
  })).sort((x, y) => x.sort.localeCompare(y.sort));
  const whole = (v) => (/^\d+$/.test(v) && Number(v) >= 1 ? null : { key: 'problem.whole_number' });
  const done = h('div');
  const f = makeForm({
    submit: 'quotas.add_submit',
    async onSubmit(v, form) {
      const q = await ctx.api.post('/api/v1/quotas', {
        direction: v.direction, partner: v.partner, year: Number(v.year), type: Number(v.type),
        start_number: Number(v.start_number), end_number: Number(v.end_number),
      });
      form.form.querySelector('[name="start_number"]').value = '';
      form.form.querySelector('[name="end_number"]').value = '';
      done.replaceChildren(notice({ key: 'quotas.added', args: { start: String(q.start_number), end: String(q.end_number) } }));
      await reload();
    },
  }, fieldset('quotas.add_title',
    field({ name: 'direction', label: 'quotas.direction', required: true, value: 'outbound',
      options: [{ value: 'outbound', label: 'quotas.direction_outbound_long' }, { value: 'inbound', label: 'quotas.direction_inbound_long' }] }),
    field({ name: 'partner', label: 'quotas.partner', required: true, value: '',
      options: [{ value: '', label: 'form.choose' }, ...partners] }),
    field({ name: 'year', label: 'quotas.year', required: true, type: 'number', inputmode: 'numeric', value: String(year),
      min: 2000, max: 2200, check: whole }),
    field({ name: 'type', label: 'quotas.type', required: true, value: '1',
      options: types.map((ty) => ({ value: String(ty.code), label: `permit_type.${ty.name.toLowerCase()}`, fallback: ty.name })) }),
    field({ name: 'start_number', label: 'quotas.start_number', required: true, type: 'number', inputmode: 'numeric', min: 1, check: whole }),
    field({ name: 'end_number', label: 'quotas.end_number', hint: 'hint.end_number', required: true, type: 'number', inputmode: 'numeric', min: 1,
      check: (v, all) => whole(v) ?? (Number(v) < Number(all.start_number) ? { key: 'problem.end_below_start' } : null) })));
  f.form.querySelector('legend').classList.add('visually-hidden');
  return h('section', { class: 'card', 'aria-labelledby': 'quotas-add' }, h('h2', { id: 'quotas-add', i18n: 'quotas.add_title' }), done, f.form);
}

export default {
  async render(view, ctx) {
    const year = pageYear(ctx);
    const canEdit = GOV_ROLES.includes(ctx.user.role);
    const parityBox = h('div');
    const listBox = h('div');
    async function reload() {
      try {
        const [parity, quotas] = await Promise.all([
          ctx.api.get(`/api/v1/quotas/parity?year=${year}`), ctx.api.get(`/api/v1/quotas?year=${year}`)]);
        parityBox.replaceChildren(parityTable(parity.items));
        listBox.replaceChildren(quotaTable(quotas.items, ctx, reload, canEdit));
      } catch (err) {
        parityBox.replaceChildren(errorNotice(err));
      }
    }
    append(view,
      h('h1', { i18n: 'quotas.title' }),
      h('p', { class: 'lead', i18n: 'quotas.lead' }),
      yearPicker(ctx, 'quotas', year),
      h('section', { 'aria-labelledby': 'quotas-parity', class: 'parity' },
        h('h2', { id: 'quotas-parity', i18n: 'quotas.parity_title' }),
        h('p', { class: 'hint', i18n: 'quotas.parity_hint' }), parityBox),
      h('section', { 'aria-labelledby': 'quotas-list' },
        h('h2', { id: 'quotas-list', i18n: 'quotas.list_title' }), listBox));
    if (canEdit) {
      try {
        const [authorities, types] = await Promise.all([ctx.api.get('/api/v1/authorities'), ctx.api.get('/api/v1/permit-types')]);
        append(view, addForm(ctx, year, authorities.items, types.items, reload));
      } catch (err) {
        append(view, errorNotice(err));
      }
    }
    await reload();
  },
};
