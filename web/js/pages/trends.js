// trends.js: the ministry's charts (#/trends?year=&by=&checkpoint=): permits issued per
// month by type or partner, quota use over the year per partner, crossings and waiting-zone
// waits per day at a checkpoint, single-window applications per month by state
// (GET /api/v1/trends/*). Each chart has its numbers as a table; charts are drawn again in
// the new language when it changes.
import { append, h } from '../dom.js';
import { t, has, onLanguageChange, formatNumber } from '../i18n.js';
import { chart } from '../chart.js';
import { errorNotice } from '../permit-ui.js';
import { cpName } from '../checkpoint-ui.js';
import { yearPicker, pageYear } from './quotas.js';

const label = (key, fallback) => (has(key) ? t(key) : fallback);
const monthShort = (ym) => t(`date.month.${Number(ym.slice(5, 7))}`).slice(0, 3);
const monthLong = (ym) => `${t(`date.month.${Number(ym.slice(5, 7))}`)} ${ym.slice(0, 4)}`;
const dayShort = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;

function select(id, name, labelKey, options, value, onChange) {
  const el = h('select', { id, name }, options.map((o) => h('option', { value: o.value }, o.text)));
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return h('div', { class: 'field' }, h('label', { for: id, i18n: labelKey }), el);
}

// The charts from the answers, in the current language.
function charts(d) {
  const typeName = (code) => {
    const ty = d.types.find((x) => String(x.code) === code);
    return ty ? label(`permit_type.${String(ty.name).toLowerCase()}`, ty.name) : code;
  };
  const country = (code) => label(`country.${code.toLowerCase()}`, code);
  const permitSeries = d.permits.series.map((s) => ({ name: d.by === 'partner' ? country(s.key) : typeName(s.key), values: s.counts }));
  // Quota use: the running sum of permits issued as a share of the year's quota.
  const quotaSeries = d.partners.series.filter((s) => s.quota > 0).map((s) => {
    let sum = 0;
    return { name: country(s.key), values: s.counts.map((n) => { sum += n; return Math.round((1000 * sum) / s.quota) / 10; }) };
  });
  const days = d.crossings.items;
  const minutes = (sec) => Math.round(sec / 6) / 10;
  return [
    chart({ id: 'chart-permits', title: 'chart.permits_title', labels: d.permits.months.map(monthShort),
      tableLabels: d.permits.months.map(monthLong), series: permitSeries }),
    chart({ id: 'chart-quota', kind: 'line', title: 'chart.quota_title', labels: d.partners.months.map(monthShort),
      tableLabels: d.partners.months.map(monthLong), series: quotaSeries, whole: false, format: (v) => `${formatNumber(v)} %` }),
    chart({ id: 'chart-crossings', title: 'chart.crossings_title', labels: days.map((x) => dayShort(x.date)),
      tableLabels: days.map((x) => x.date), series: [{ name: t('chart.crossings'), values: days.map((x) => x.crossings) }] }),
    chart({ id: 'chart-waits', kind: 'line', title: 'chart.waits_title', labels: days.map((x) => dayShort(x.date)),
      tableLabels: days.map((x) => x.date), whole: false, format: (v) => t('chart.minutes', { n: formatNumber(v) }),
      series: [{ name: t('chart.avg_wait'), values: days.map((x) => minutes(x.avg_wait_s)) },
        { name: t('chart.max_wait'), values: days.map((x) => minutes(x.max_wait_s)) }] }),
    chart({ id: 'chart-window', title: 'chart.window_title', labels: d.window.months.map(monthShort),
      tableLabels: d.window.months.map(monthLong),
      series: d.window.series.map((s) => ({ name: label(`window.status.${s.key}`, s.key), values: s.counts })) }),
  ];
}

export default {
  async render(view, ctx) {
    const year = pageYear(ctx);
    const by = ctx.query.by === 'partner' ? 'partner' : 'type';
    append(view, h('h1', { i18n: 'chart.title' }), h('p', { class: 'lead', i18n: 'chart.lead' }));
    let d;
    try {
      // By partner, the first chart and the quota chart draw the same answer: asked once.
      const byPartner = ctx.api.get(`/api/v1/trends/permits?year=${year}&by=partner`);
      const [types, cps, permits, partners, window] = await Promise.all([
        ctx.api.get('/api/v1/permit-types'),
        ctx.api.get('/api/v1/checkpoints?country=KG'),
        by === 'partner' ? byPartner : ctx.api.get(`/api/v1/trends/permits?year=${year}&by=type`),
        byPartner,
        ctx.api.get('/api/v1/trends/window?months=12'),
      ]);
      const cp = cps.items.find((c) => c.code === ctx.query.checkpoint) || cps.items[0];
      const crossings = await ctx.api.get(`/api/v1/trends/crossings?checkpoint=${encodeURIComponent(cp.code)}&days=30`);
      d = { types: types.items, cps: cps.items, cp, by, permits, partners, window, crossings };
    } catch (err) {
      append(view, errorNotice(err));
      return;
    }
    const query = { year: String(year), by, checkpoint: d.cp.code };
    const controls = h('div', { class: 'filters no-print' },
      yearPicker(ctx, 'trends', year, query),
      select('trends-by', 'by', 'chart.by', [{ value: 'type', text: t('chart.by_type') }, { value: 'partner', text: t('chart.by_partner') }],
        by, (v) => ctx.navigate('trends', { query: { ...query, by: v } })),
      select('trends-cp', 'checkpoint', 'chart.checkpoint', d.cps.map((c) => ({ value: c.code, text: cpName(c) })),
        d.cp.code, (v) => ctx.navigate('trends', { query: { ...query, checkpoint: v } })));
    const box = h('div', { class: 'trend-charts' });
    const draw = () => box.replaceChildren(...charts(d));
    draw();
    append(view, controls, box);
    const stop = onLanguageChange(() => {
      if (!box.isConnected) { // another page is shown now
        stop();
        return;
      }
      draw();
      // the option texts of the pickers are data drawn in the current language too
      const bySel = controls.querySelector('#trends-by');
      bySel.options[0].textContent = t('chart.by_type');
      bySel.options[1].textContent = t('chart.by_partner');
      for (const o of controls.querySelector('#trends-cp').options) o.textContent = cpName(d.cps.find((c) => c.code === o.value));
    });
  },
};
