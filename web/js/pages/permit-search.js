// permit-search.js: every permit, a page at a time, with the e-permit reference's filters
// (#/permit-search?…: GET /api/v1/permit-search): issuer, partner, type, year, used,
// revoked, company id, plate, trailer plate, dates of issue. The filters live in the address,
// so a search can be reloaded or shared.
import { append, h } from '../dom.js';
import { field, fieldset } from '../forms.js';
import { t, has } from '../i18n.js';
import { table, countryName, typeName, statusBadge, dmyDate, errorNotice, currentYear, fmt } from '../permit-ui.js';

const FILTERS = ['issuer', 'issued_for', 'type', 'year', 'used', 'revoked', 'company_id', 'plate', 'trailer_plate',
  'issued_from', 'issued_to'];
const TYPES = ['BILATERAL', 'TRANSIT', 'THIRDCOUNTRY', 'BILATERAL_FEE', 'TRANSIT_FEE', 'THIRDCOUNTRY_FEE', 'MULTILATERAL'];

function authorityOptions(authorities) {
  const name = (a) => (has(`country.${a.code.toLowerCase()}`) ? t(`country.${a.code.toLowerCase()}`) : a.name);
  return [{ value: '', label: 'pm.any' }, ...authorities
    .map((a) => ({ value: a.code, label: `country.${a.code.toLowerCase()}`, fallback: a.name, sort: name(a) }))
    .sort((x, y) => x.sort.localeCompare(y.sort))];
}

const yesNo = [{ value: '', label: 'pm.any' }, { value: 'true', label: 'pm.yes' }, { value: 'false', label: 'pm.no' }];

function results(page, ctx, query) {
  const pageNo = page.page;
  const go = (n) => ctx.navigate('permit-search', { query: { ...query, page: String(n) } });
  const prev = h('button', { type: 'button', class: 'secondary', i18n: 'pm.prev', disabled: pageNo === 0 });
  const next = h('button', { type: 'button', class: 'secondary', i18n: 'pm.next', disabled: pageNo + 1 >= page.pages });
  prev.addEventListener('click', () => go(pageNo - 1));
  next.addEventListener('click', () => go(pageNo + 1));
  if (page.total === 0) return h('p', { class: 'notice', role: 'status', i18n: 'pm.none_found' });
  return h('div', { class: 'search-results' },
    h('p', { role: 'status', class: 'aside', i18n: 'pm.page_of', args: { page: fmt(pageNo + 1), pages: fmt(page.pages), total: fmt(page.total) } }),
    table({
      caption: 'pm.results',
      items: page.items,
      rowAttrs: (p) => ({ dataset: { permit: p.id } }),
      columns: [
        { key: 'permit.id', cell: (p) => h('a', { class: 'mono', href: `#/lookup/${encodeURIComponent(p.id)}` }, p.id) },
        { key: 'permit.type', cell: (p) => typeName(p.type_name) },
        { key: 'permit.partner', cell: (p) => countryName(p.verifier) },
        { key: 'permit.plate', cell: (p) => h('span', { class: 'mono' }, p.plate) },
        { key: 'pm.trailer_plate', cell: (p) => (p.trailer_plate ? h('span', { class: 'mono' }, p.trailer_plate) : '') },
        { key: 'permit.company', cell: (p) => p.company_name },
        { key: 'permit.issued_on', cell: (p) => dmyDate(p.issued_on) },
        { key: 'permit.valid_until', cell: (p) => dmyDate(p.valid_until) },
        { key: 'permit.status', cell: (p) => statusBadge(p) },
      ],
    }),
    h('div', { class: 'button-row pager' }, prev, next));
}

export default {
  async render(view, ctx) {
    let authorities;
    try {
      authorities = (await ctx.api.get('/api/v1/authorities')).items;
    } catch (err) {
      append(view, h('h1', { i18n: 'pm.search_title' }), errorNotice(err));
      return;
    }
    const query = Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => (FILTERS.includes(k) || k === 'page') && v));
    const value = (k) => query[k] ?? '';
    const form = h('form', { novalidate: true, role: 'search', class: 'permit-search' },
      fieldset('pm.filters',
        h('div', { class: 'grid' },
          field({ name: 'issuer', label: 'pm.issuer', value: value('issuer'), options: authorityOptions(authorities) }),
          field({ name: 'issued_for', label: 'permit.partner', value: value('issued_for'), options: authorityOptions(authorities) }),
          field({ name: 'type', label: 'permit.type', value: value('type'),
            options: [{ value: '', label: 'pm.any' }, ...TYPES.map((n, i) => ({ value: String(i + 1), label: `permit_type.${n.toLowerCase()}`, fallback: n }))] }),
          field({ name: 'year', label: 'pm.year', type: 'number', min: 2000, max: 2200, value: value('year'), inputmode: 'numeric',
            hint: 'pm.year_any_hint', hintArgs: { year: String(currentYear()) } }),
          field({ name: 'used', label: 'pm.used', value: value('used'), options: yesNo }),
          field({ name: 'revoked', label: 'pm.revoked', value: value('revoked'), options: yesNo }),
          field({ name: 'company_id', label: 'field.inn', value: value('company_id'), maxlength: 255, inputmode: 'numeric' }),
          field({ name: 'plate', label: 'permit.plate', value: value('plate'), maxlength: 20, autocapitalize: 'characters' }),
          field({ name: 'trailer_plate', label: 'pm.trailer_plate', value: value('trailer_plate'), maxlength: 20, autocapitalize: 'characters' }),
          field({ name: 'issued_from', label: 'pm.issued_from', type: 'date', value: value('issued_from') }),
          field({ name: 'issued_to', label: 'pm.issued_to', type: 'date', value: value('issued_to') }))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', i18n: 'pm.search' })));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = {};
      for (const k of FILTERS) {
        const v = form.elements[k].value.trim();
        if (v) q[k] = v;
      }
      ctx.navigate('permit-search', { query: q });
    });
    const out = h('div', { class: 'search-out', 'aria-live': 'polite' });
    const canIssue = ['ministry', 'admin'].includes(ctx.user.role);
    append(view, h('h1', { i18n: 'pm.search_title' }), h('p', { class: 'lead', i18n: 'pm.search_lead' }),
      canIssue ? h('p', { class: 'aside' }, h('a', { href: '#/permit-issue', i18n: 'pm.issue_link' })) : null,
      form, out);
    try {
      const page = await ctx.api.get(`/api/v1/permit-search?${new URLSearchParams({ ...query, size: '20' })}`);
      if (ctx.current()) out.replaceChildren(results(page, ctx, query));
    } catch (err) {
      out.replaceChildren(errorNotice(err));
    }
  },
};
