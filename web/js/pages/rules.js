// rules.js: the rules in force (#/rules), open to anyone: the stay rules of Kyrgyzstan with
// the days each is in force and its source, the public holidays of the crossings' countries
// for a year, exchange rates with their day and source, and the changes to seasons and hours
// (pending or applied). The ministry changes stay rules and holidays here, each from a date
// and with its source (the API audits every change). Linked from the stay calculator and the
// crossings list rather than the menu, which is long enough on a phone.
import { append, h, notice, named } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, kgDate } from '../i18n.js';
import { countryName, errorNotice, table } from '../permit-ui.js';

const GOV = ['ministry', 'admin'];
const KINDS = ['rolling', 'reentry', 'per_entry', 'visa_required', 'unlimited'];
const todayLocal = () => kgDate();

const ruleText = (r) => h('span', { i18n: `stay.kind.${r.kind}`, args: { days: String(r.days), window: String(r.window_days) } });
const who = (nat) => (nat === '*' ? t('rules.anyone_else') : nat === 'UN' ? t('stay.un_passport') : countryName(nat));

function stayTable(items) {
  return table({
    caption: 'rules.stay', items, rowAttrs: (r) => ({ dataset: { nationality: r.nationality, from: r.valid_from } }),
    columns: [
      { key: 'rules.nationality', cell: (r) => who(r.nationality) },
      { key: 'rules.rule', cell: ruleText },
      { key: 'rules.from', cell: (r) => r.valid_from },
      { key: 'rules.to', cell: (r) => r.valid_to || '—' },
      { key: 'rules.source', cell: (r) => h('small', {}, r.source || '') },
    ],
  });
}

function holidayTable(items) {
  return table({
    caption: 'rules.holidays', items, rowAttrs: (x) => ({ dataset: { country: x.country, month: String(x.month), day: String(x.day) } }),
    columns: [
      { key: 'rules.country', cell: (x) => countryName(x.country) },
      { key: 'rules.date', cell: (x) => x.date || `${String(x.day).padStart(2, '0')}.${String(x.month).padStart(2, '0')} (${t('rules.every_year')})` },
      { key: 'rules.name', cell: (x) => (x.names ? named(x.names) : x.name) },
      { key: 'rules.source', cell: (x) => h('small', {}, x.source || '') },
    ],
  });
}

function rateTable(items) {
  return table({
    caption: 'rules.rates', items,
    columns: [
      { key: 'rules.country', cell: (r) => r.code },
      { key: 'rules.rate', cell: (r) => r.usd_per_unit },
      { key: 'rules.rate_date', cell: (r) => r.rate_date || '—' },
      { key: 'rules.source', cell: (r) => h('small', {}, r.source || '') },
    ],
  });
}

function stayForm(ctx, reload) {
  const done = h('div');
  const f = makeForm({
    submit: 'rules.edit_stay',
    async onSubmit(v) {
      const body = { kind: v.kind, source: v.source, valid_from: v.valid_from };
      if (v.days) body.days = Number(v.days);
      if (v.window_days) body.window_days = Number(v.window_days);
      const r = await ctx.api.put(`/api/v1/stay-rules/KG/${encodeURIComponent(v.nationality.toUpperCase())}`, body);
      done.replaceChildren(notice({ key: 'rules.saved', args: { from: r.valid_from } }));
      await reload();
    },
  }, fieldset('rules.edit_stay',
    field({ name: 'nationality', label: 'rules.nationality', required: true, maxlength: 2, autocapitalize: 'characters', hint: 'zones.nationality_hint' }),
    field({ name: 'kind', label: 'rules.kind', required: true, options: KINDS.map((k) => ({ value: k, label: `rules.kind_${k}` })) }),
    field({ name: 'days', label: 'rules.days', type: 'number', min: 0, max: 3660 }),
    field({ name: 'window_days', label: 'rules.window', type: 'number', min: 0, max: 3660 }),
    field({ name: 'valid_from', label: 'rules.from', type: 'date', required: true, value: todayLocal() }),
    field({ name: 'source', label: 'rules.source', required: true, maxlength: 300 })));
  return h('section', { class: 'card', 'aria-labelledby': 'rules-edit-stay' }, h('h2', { id: 'rules-edit-stay', i18n: 'rules.edit_stay' }), done, f.form);
}

function holidayForm(ctx, reload) {
  const done = h('div');
  const f = makeForm({
    submit: 'rules.add_holiday',
    async onSubmit(v) {
      await ctx.api.post('/api/v1/public-holidays', { country: v.country, date: v.date, name: v.name, source: v.source,
        ...(v.name_ky ? { name_ky: v.name_ky } : {}), ...(v.name_ru ? { name_ru: v.name_ru } : {}) });
      done.replaceChildren(notice({ key: 'rules.holiday_saved' }));
      await reload();
    },
  }, fieldset('rules.add_holiday',
    field({ name: 'country', label: 'rules.country', required: true, options: ['KG', 'CN', 'KZ', 'UZ', 'TJ', 'TM'].map((c) => ({ value: c, text: countryName(c) })) }),
    field({ name: 'date', label: 'rules.date', type: 'date', required: true }),
    field({ name: 'name', label: 'rules.name', required: true, maxlength: 100 }),
    field({ name: 'name_ky', label: 'form.name_ky', maxlength: 100 }),
    field({ name: 'name_ru', label: 'form.name_ru', maxlength: 100 }),
    field({ name: 'source', label: 'rules.source', required: true, maxlength: 300 })));
  return h('section', { class: 'card', 'aria-labelledby': 'rules-add-holiday' }, h('h2', { id: 'rules-add-holiday', i18n: 'rules.add_holiday' }), done, f.form);
}

export default {
  async render(view, ctx) {
    const year = Number(ctx.query?.year) || Number(todayLocal().slice(0, 4));
    const stay = h('div', { class: 'table-wrap' });
    const hol = h('div', { class: 'table-wrap' });
    const rates = h('div', { class: 'table-wrap' });
    async function reload() {
      try {
        const [s, hs, rs] = await Promise.all([
          ctx.api.get('/api/v1/stay-rules?destination=KG'),
          ctx.api.get(`/api/v1/public-holidays?year=${year}`),
          ctx.api.get('/api/v1/currency-rates'),
        ]);
        stay.replaceChildren(stayTable(s.items));
        hol.replaceChildren(holidayTable(hs.items));
        rates.replaceChildren(rateTable(rs.items));
      } catch (err) {
        stay.replaceChildren(errorNotice(err));
      }
    }
    const years = h('p', {}, [year - 1, year, year + 1].map((y) => [h('a', { href: `#/rules?year=${y}`, 'aria-current': y === year ? 'page' : null }, String(y)), ' ']));
    append(view, h('h1', { i18n: 'rules.title' }), h('p', { class: 'lead', i18n: 'rules.lead' }),
      h('section', { 'aria-labelledby': 'rules-stay' }, h('h2', { id: 'rules-stay', i18n: 'rules.stay' }), stay),
      h('section', { 'aria-labelledby': 'rules-hol' }, h('h2', { id: 'rules-hol', i18n: 'rules.holidays' }), years, hol),
      h('section', { 'aria-labelledby': 'rules-rates' }, h('h2', { id: 'rules-rates', i18n: 'rules.rates' }), rates));
    if (ctx.user && GOV.includes(ctx.user.role)) append(view, stayForm(ctx, reload), holidayForm(ctx, reload));
    await reload();
  },
};
