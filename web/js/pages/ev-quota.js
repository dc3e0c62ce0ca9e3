// ev-quota.js: the public register of the duty-free electric-vehicle import quota
// (#/ev-quota): what is left of each year, live, flagged critical near exhaustion;
// allocations by month; the rules with their sources; whether a VIN holds an allocation
// (never whose); and the single window's published decision times.
import { append, h, dateEl, notice } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, language, formatNumber } from '../i18n.js';
import { errorNotice } from '../permit-ui.js';
import { localError, named } from '../window-ui.js';

const num = (n) => formatNumber(n);

function yearCard(y) {
  const pct = y.total ? Math.round((y.remaining * 100) / y.total) : 0;
  return h('li', { class: `card ev-year${y.critical ? ' critical' : ''}`, dataset: { year: String(y.year), remaining: String(y.remaining) } },
    h('h3', {}, String(y.year), ' ', y.critical ? h('span', { class: 'badge badge-bad', i18n: 'window.critical' }) : h('span', { class: 'badge badge-ok', i18n: 'window.available' })),
    h('p', { class: 'remaining' }, h('span', { i18n: 'window.remaining_of', args: { left: num(y.remaining), total: num(y.total) } })),
    h('div', { class: 'meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(y.total), 'aria-valuenow': String(y.remaining) },
      h('span', { style: `width:${pct}%` })),
    h('dl', { class: 'facts' },
      h('div', { class: 'row' }, h('dt', { i18n: 'window.allocated' }), h('dd', {}, num(y.allocated))),
      h('div', { class: 'row' }, h('dt', { i18n: 'window.reserved' }), h('dd', {}, num(y.reserved))),
      y.pending_demand ? h('div', { class: 'row' }, h('dt', { i18n: 'window.pending' }), h('dd', {}, num(y.pending_demand))) : null,
      h('div', { class: 'row' }, h('dt', { i18n: 'window.kinds' }), h('dd', {}, y.kinds.map((k) => t(`window.kind.${k}`)).join(', '))),
      h('div', { class: 'row' }, h('dt', { i18n: 'window.day_rule' }), h('dd', { i18n: `window.day_rule.${y.day_rule}` })),
      h('div', { class: 'row' }, h('dt', { i18n: 'window.source' }), h('dd', { class: 'source' }, y.source))),
    y.allocated + y.reserved > 0 ? h('div', { class: 'table-wrap', tabindex: '0' }, h('table', {},
      h('caption', { i18n: 'window.by_month', args: { year: String(y.year) } }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', i18n: 'window.month' }), h('th', { scope: 'col', i18n: 'window.allocated' }), h('th', { scope: 'col', i18n: 'window.reserved' }))),
      h('tbody', {}, y.months.filter((m) => m.allocated || m.reserved).map((m) => h('tr', {},
        h('th', { scope: 'row', i18n: `date.month.${m.month}` }), h('td', {}, num(m.allocated)), h('td', {}, num(m.reserved))))))) : null);
}

export default {
  async render(view, ctx) {
    let reg, perf, agencies, procs;
    try {
      [reg, perf, { items: agencies }, { items: procs }] = await Promise.all([ctx.api.get('/api/v1/ev-quota'),
        ctx.api.get('/api/v1/window/performance'), ctx.api.get('/api/v1/window/agencies'), ctx.api.get('/api/v1/window/procedures')]);
    } catch (err) {
      append(view, h('h1', { i18n: 'window.register_title' }), errorNotice(err));
      return;
    }
    const answer = h('div', { 'aria-live': 'polite', class: 'vin-answer' });
    const f = makeForm({ submit: 'window.lookup', async onSubmit(v) {
      let r;
      try { r = await ctx.api.get(`/api/v1/ev-quota/vins/${encodeURIComponent(v.vin.toUpperCase())}`); } catch (err) { throw localError(err); }
      answer.replaceChildren(notice({ key: r.allocated ? 'window.vin_allocated' : r.state === 'none' ? 'window.vin_none' : 'window.vin_held',
        args: { vin: r.vin, year: String(r.year ?? ''), state: t(`window.vin_state.${r.state}`) } }, r.allocated || r.state === 'none' ? 'ok' : 'ok'));
    } }, field({ name: 'vin', label: 'window.vin', required: true, maxlength: 17, autocapitalize: 'characters', hint: 'window.vin_hint' }));
    const years = [...reg.years].sort((a, b) => b.year - a.year);
    // the Ministry of Economy (the organisation staffing agency economy) keeps the ledger
    const orgId = ctx.session?.organisation?.id;
    const keeper = ctx.user && (ctx.user.role === 'admin'
      || (ctx.user.role === 'ministry' && agencies.some((a) => a.code === 'economy' && a.org_id === orgId)));
    let ledger = null;
    if (keeper) {
      const next = (years[0]?.year ?? new Date().getFullYear()) + 1;
      const yearOptions = [next, ...years.map((y) => y.year)].map((y) => ({ value: String(y), text: String(y) }));
      const cur = years.find((y) => y.year === new Date().getFullYear()) ?? years[0];
      const f2 = makeForm({ submit: 'window.ledger_save', async onSubmit(v) {
        try {
          await ctx.api.put(`/api/v1/ev-quota/${v.year}`, { total: Number(v.total), kinds: v.kinds.split('+'), day_rule: v.day_rule,
            critical_percent: Number(v.critical_percent), source: v.source });
        } catch (err) { throw localError(err); }
        ctx.navigate('ev-quota', { flash: { key: 'window.ledger_saved', args: { year: v.year } } });
      } }, fieldset('window.ledger',
        field({ name: 'year', label: 'window.year', required: true, options: yearOptions, value: String(cur?.year ?? next) }),
        field({ name: 'total', label: 'window.total', required: true, type: 'number', inputmode: 'numeric', min: 0, value: String(cur?.total ?? '') }),
        field({ name: 'kinds', label: 'window.kinds', required: true, value: cur?.kinds.join('+') ?? 'bev',
          options: [{ value: 'bev', label: 'window.kinds.bev' }, { value: 'bev+series_hybrid', label: 'window.kinds.bev_hybrid' }] }),
        field({ name: 'day_rule', label: 'window.day_rule', required: true, value: cur?.day_rule ?? 'pro_rata',
          options: ['pro_rata', 'fcfs'].map((r) => ({ value: r, label: `window.day_rule.${r}` })) }),
        field({ name: 'critical_percent', label: 'window.critical_percent', required: true, type: 'number', min: 0, max: 100, value: String(cur?.critical_percent ?? 10) }),
        field({ name: 'source', label: 'window.source', required: true, maxlength: 500, value: cur?.source ?? '' })));
      ledger = h('section', { class: 'card' }, h('h2', { i18n: 'window.ledger' }), f2.form);
    }
    append(view, h('h1', { i18n: 'window.register_title' }), h('p', { class: 'lead', i18n: 'window.register_lead' }),
      ctx.flash ? notice(ctx.flash) : null,
      h('p', { class: 'aside' }, h('span', { i18n: 'window.as_of' }), ' ', dateEl(reg.as_of, true)),
      h('section', {}, h('h2', { i18n: 'window.vin_lookup' }), f.form, answer),
      h('section', {}, h('h2', { i18n: 'window.years' }), h('ul', { class: 'cards ev-years' }, years.map(yearCard))),
      ledger,
      h('section', {}, h('h2', { i18n: 'window.rules' }),
        h('ul', { class: 'rules' }, reg.rules.map((r) => h('li', { dataset: { rule: r.code } }, r.text[language()] || r.text.en, ' ', h('span', { class: 'aside' }, `(${r.source})`))))),
      h('section', {}, h('h2', { i18n: 'window.performance' }), perf.items.length ? h('div', { class: 'table-wrap', tabindex: '0' }, h('table', { class: 'performance' },
        h('caption', { i18n: 'window.performance_caption' }),
        h('thead', {}, h('tr', {}, ['window.procedure', 'window.agency', 'window.decided', 'window.median', 'window.p90', 'window.rule_time', 'window.within'].map((k) => h('th', { scope: 'col', i18n: k })))),
        h('tbody', {}, perf.items.map((p) => h('tr', {},
          h('td', {}, named(procs.find((x) => x.code === p.procedure)?.name) || p.procedure), h('td', {}, named(agencies.find((a) => a.code === p.agency)?.name) || p.agency), h('td', {}, String(p.decided)),
          h('td', { i18n: 'window.duration', args: { hours: (p.median_seconds / 3600).toFixed(1) } }),
          h('td', { i18n: 'window.duration', args: { hours: (p.p90_seconds / 3600).toFixed(1) } }),
          h('td', { i18n: 'window.duration', args: { hours: String(p.rule_seconds / 3600) } }),
          h('td', {}, `${p.within_rule} / ${p.decided}`))))))
        : h('p', { class: 'aside', i18n: 'window.no_decisions' })));
  },
};
