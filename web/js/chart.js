// chart.js: small charts in plain SVG, drawn by kapka itself (no library), each with the
// same figures as a table for screen readers and for anyone who would rather read them:
//   chart({ kind: 'bar' | 'line', title: 'catalogue.key', labels: ['Jan', …],
//           series: [{ name: 'text', values: [3, 5, …] }], unit: 'chart.unit_permits',
//           format: (v) => text,                           // optional, for the axis and table
//           whole: false })                                // values are not counts (axis steps)
// Bars stack the series; lines draw one line per series. The figure scales to its box
// (390 px phone to a wide screen); the <svg> is role=img with a label that says what it
// shows, the table (in a <details>, open on request) holds every number. Text comes from
// the caller already translated: a page draws its charts again when the language changes.
import { h } from './dom.js';
import { t, formatNumber } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 260;
const PAD = { left: 96, right: 8, top: 14, bottom: 30 };
// Eight colours told apart by people with the common colour-vision deficiencies (Okabe–Ito).
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c);
  return el;
}

// A round top for the value axis: 1, 2 or 5 times a power of ten, at least max; for counts
// at least 4, so that the four steps are whole numbers.
function niceTop(max, whole) {
  if (max <= 0) return whole ? 4 : 1;
  const p = 10 ** Math.floor(Math.log10(max));
  const top = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
  return whole ? Math.max(4, Math.ceil(top / 4) * 4) : top;
}

function axes(top, labels, format) {
  const g = svg('g', { class: 'chart-axes', 'aria-hidden': 'true' });
  const ih = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    const y = PAD.top + ih - (ih * i) / 4;
    g.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'chart-grid' }));
    const text = svg('text', { x: PAD.left - 6, y: y + 5, 'text-anchor': 'end', class: 'chart-tick' });
    text.textContent = format(v);
    g.append(text);
  }
  // Month or day labels: as many as fit without touching (about 64 units each).
  const step = Math.max(1, Math.ceil(labels.length / Math.floor((W - PAD.left - PAD.right) / 64)));
  const slot = (W - PAD.left - PAD.right) / labels.length;
  labels.forEach((label, i) => {
    if (i % step) return;
    const text = svg('text', { x: PAD.left + slot * (i + 0.5), y: H - 8, 'text-anchor': 'middle', class: 'chart-tick' });
    text.textContent = label;
    g.append(text);
  });
  return g;
}

function bars(series, labels, top) {
  const g = svg('g', { class: 'chart-marks' });
  const ih = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / labels.length;
  const bw = Math.max(2, slot * 0.7);
  labels.forEach((_, i) => {
    let base = 0;
    series.forEach((s, k) => {
      const v = s.values[i] || 0;
      if (v <= 0) return;
      const y0 = PAD.top + ih - (ih * base) / top;
      const y1 = PAD.top + ih - (ih * (base + v)) / top;
      g.append(svg('rect', { x: PAD.left + slot * i + (slot - bw) / 2, y: y1, width: bw, height: Math.max(0.5, y0 - y1),
        fill: COLOURS[k % COLOURS.length] }));
      base += v;
    });
  });
  return g;
}

function lines(series, labels, top) {
  const g = svg('g', { class: 'chart-marks' });
  const ih = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / labels.length;
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => [PAD.left + slot * (i + 0.5), PAD.top + ih - (ih * (v || 0)) / top]);
    const colour = COLOURS[k % COLOURS.length];
    g.append(svg('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2.5 }));
    for (const [x, y] of pts) g.append(svg('circle', { cx: x, cy: y, r: 2.5, fill: colour }));
  });
  return g;
}

function dataTable(title, labels, series, format) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('chart.period')), series.map((s) => h('th', { scope: 'col' }, s.name)))),
    h('tbody', {}, labels.map((label, i) => h('tr', {},
      h('th', { scope: 'row' }, label), series.map((s) => h('td', { class: 'num' }, format(s.values[i] || 0))))))));
}

export function chart({ kind = 'bar', title, labels, tableLabels = labels, series, format = (v) => formatNumber(v), whole = true, id }) {
  const heading = t(title);
  const stacked = kind === 'bar';
  const max = labels.reduce((m, _, i) => Math.max(m, stacked
    ? series.reduce((a, s) => a + (s.values[i] || 0), 0)
    : Math.max(0, ...series.map((s) => s.values[i] || 0))), 0);
  const top = niceTop(max, whole);
  const totals = series.map((s) => `${s.name}: ${format(s.values.reduce((a, v) => a + (v || 0), 0))}`);
  const label = series.length ? `${heading}. ${totals.join('; ')}` : `${heading}. ${t('chart.empty')}`;
  const picture = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart-svg',
    preserveAspectRatio: 'xMidYMid meet' },
  axes(top, labels, format), kind === 'bar' ? bars(series, labels, top) : lines(series, labels, top));
  const legend = h('ul', { class: 'chart-legend' }, series.map((s, k) =>
    h('li', {}, h('span', { class: 'swatch', style: `background:${COLOURS[k % COLOURS.length]}`, 'aria-hidden': 'true' }), s.name)));
  return h('figure', { class: 'trend-chart', id, dataset: { kind, series: String(series.length) } },
    h('figcaption', {}, h('h2', {}, heading)),
    picture,
    series.length ? legend : h('p', { class: 'aside' }, t('chart.empty')),
    h('details', { class: 'chart-table' }, h('summary', {}, t('chart.as_table')),
      dataTable(heading, tableLabels, series, format)));
}
