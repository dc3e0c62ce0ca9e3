// throughput.js: the ministry's throughput per checkpoint and day (#/throughput?date=…):
// crossings by flow, the share of daily capacity used (drawn as bars), median and 90th
// percentile wait from check-in to crossing, and the CSV (GET /api/v1/throughput).
import { append, h } from '../dom.js';
import { field, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { errorNotice, fmt, table } from '../permit-ui.js';
import { FLOWS, todayLocal } from '../checkpoint-ui.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const minutes = (sec) => (sec === null || sec === undefined ? '–' : t('throughput.minutes', { n: fmt(Math.round(sec / 60)) }));
const pct = (share) => (share === null || share === undefined ? '–' : `${fmt(Math.round(share * 1000) / 10)}%`);

// One bar per checkpoint with crossings: the busiest flow's share of its capacity.
function chart(items) {
  const rows = items.map((it) => {
    const shares = Object.entries(it.flows).filter(([, f]) => f.capacity_share !== null);
    const top = shares.sort((a, b) => b[1].capacity_share - a[1].capacity_share)[0];
    return { it, flow: top?.[0], share: top ? top[1].capacity_share : 0 };
  }).filter((r) => r.it.total > 0);
  const W = 320, ROW = 34, H = Math.max(ROW, rows.length * ROW);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'chart throughput-chart', role: 'img', 'aria-label': t('throughput.chart') });
  rows.forEach((r, i) => {
    const y = i * ROW;
    const w = Math.max(2, Math.min(1, r.share) * (W - 2));
    svg.append(s('g', { class: 'bar', 'data-checkpoint': r.it.checkpoint },
      s('text', { x: 0, y: y + 12, class: 'bar-label' }, `${r.it.name} · ${t(`flow.${r.flow}`)} ${pct(r.share)}`),
      s('rect', { x: 1, y: y + 16, width: W - 2, height: 12, class: 'seg-left', rx: 3 }),
      s('rect', { x: 1, y: y + 16, width: w, height: 12, class: 'seg-used', rx: 3 })));
  });
  return rows.length ? svg : h('p', { class: 'aside', i18n: 'throughput.none' });
}

export default {
  async render(view, ctx) {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.date || '') ? ctx.query.date : todayLocal();
    const f = makeForm({ submit: 'throughput.show', async onSubmit(v) { ctx.navigate('throughput', { query: { date: v.date } }); } },
      field({ name: 'date', label: 'throughput.date', type: 'date', required: true, value: date }));
    append(view, h('h1', { i18n: 'throughput.title' }), h('p', { class: 'lead', i18n: 'throughput.lead' }), f.form,
      h('p', { class: 'downloads' }, h('a', { class: 'button secondary', href: `/api/v1/throughput?format=csv&date=${date}`,
        download: `throughput-${date}.csv`, dataset: { csv: 'throughput' }, i18n: 'throughput.csv' })));
    try {
      const { items } = await ctx.api.get(`/api/v1/throughput?date=${date}`);
      const rows = items.flatMap((it) => FLOWS.filter((fl) => it.flows[fl]).map((fl) => ({ it, fl, s: it.flows[fl] })));
      append(view,
        h('section', { 'aria-labelledby': 'tp-chart' }, h('h2', { id: 'tp-chart', i18n: 'throughput.chart' }), chart(items)),
        h('section', { 'aria-labelledby': 'tp-table' }, h('h2', { id: 'tp-table', i18n: 'throughput.table' }),
          table({
            caption: 'throughput.table', items: rows,
            rowAttrs: (r) => ({ dataset: { checkpoint: r.it.checkpoint, flow: r.fl } }),
            columns: [
              { key: 'throughput.checkpoint', cell: (r) => [r.it.name, ' · ', h('span', { i18n: `flow.${r.fl}` })] },
              { key: 'throughput.crossings', num: true, cell: (r) => fmt(r.s.vehicles) },
              { key: 'throughput.capacity', num: true, cell: (r) => (r.s.capacity === null ? '–' : fmt(r.s.capacity)) },
              { key: 'throughput.share', num: true, cell: (r) => pct(r.s.capacity_share) },
              { key: 'throughput.median', num: true, cell: (r) => minutes(r.s.median_wait_s) },
              { key: 'throughput.p90', num: true, cell: (r) => minutes(r.s.p90_wait_s) },
            ],
          })));
    } catch (err) {
      append(view, errorNotice(err));
    }
  },
};
