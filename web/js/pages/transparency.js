// transparency.js: the public statistics of the transparency log (#/transparency), for
// anyone, signed in or not: permits per partner, type and month, quota use, refusals by
// reason, withdrawals and decision times, all recomputed in this browser from the log's
// public tiles (tlog-stats.js), with charts and a CSV of every figure.
import { append, h } from '../dom.js';
import { t } from '../i18n.js';
import { fmt, table } from '../permit-ui.js';
import { csv, readLog, statistics } from '../tlog-stats.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children.flat()) el.append(c);
  return el;
}

// Horizontal bars, one per key, scaled to the largest value.
function bars(map, label) {
  const rows = [...map.entries()];
  if (!rows.length) return h('p', { class: 'aside', i18n: 'transparency.none' });
  const W = 320, ROW = 30, max = Math.max(...rows.map((r) => r[1]));
  const svg = s('svg', { viewBox: `0 0 ${W} ${rows.length * ROW}`, width: '100%', class: 'chart', role: 'img', 'aria-label': t(label) });
  rows.forEach(([k, v], i) => {
    svg.append(s('g', { class: 'bar', 'data-key': k },
      s('text', { x: 0, y: i * ROW + 11, class: 'bar-label' }, `${k}: ${fmt(v)}`),
      s('rect', { x: 1, y: i * ROW + 14, width: Math.max(2, (v / max) * (W - 2)), height: 10, class: 'seg-used', rx: 3 })));
  });
  return svg;
}

function section(id, title, map, keyLabel) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id, i18n: title }), bars(map, title),
    table({ caption: title, items: [...map.entries()], rowAttrs: ([k]) => ({ dataset: { key: k } }),
      columns: [{ key: keyLabel, cell: ([k]) => k }, { key: 'transparency.count', num: true, cell: ([, v]) => fmt(v) }] }));
}

export default {
  async render(view) {
    append(view, h('h1', { i18n: 'transparency.title' }), h('p', { class: 'lead', i18n: 'transparency.lead' }));
    const status = h('p', { class: 'aside', role: 'status', i18n: 'transparency.loading' });
    append(view, status);
    let log;
    try {
      log = await readLog();
    } catch {
      status.replaceWith(h('p', { class: 'notice error', role: 'alert', i18n: 'transparency.unavailable' }));
      return;
    }
    const st = statistics(log.leaves);
    status.replaceWith(h('p', { class: log.rootMatches ? 'notice ok' : 'notice error', dataset: { root: log.rootMatches ? 'ok' : 'bad' },
      i18n: log.rootMatches ? 'transparency.root_ok' : 'transparency.root_bad', args: { size: fmt(log.size), origin: log.origin || '–' } }));
    const url = `data:text/csv;charset=utf-8,${encodeURIComponent(csv(st))}`;
    append(view,
      h('p', { class: 'downloads' }, h('a', { class: 'button secondary', href: url, download: 'kapka-transparency.csv',
        dataset: { csv: 'transparency' }, i18n: 'transparency.csv' })),
      section('tr-partner', 'transparency.by_partner', st.partner, 'transparency.partner'),
      section('tr-type', 'transparency.by_type', st.type, 'transparency.type'),
      section('tr-month', 'transparency.by_month', st.month, 'transparency.month'),
      section('tr-reasons', 'transparency.refusals', st.reasons, 'transparency.reason'),
      section('tr-withdrawn', 'transparency.withdrawals', st.withdrawn, 'transparency.kind'),
      h('section', { 'aria-labelledby': 'tr-quota' }, h('h2', { id: 'tr-quota', i18n: 'transparency.quota_use' }),
        table({ caption: 'transparency.quota_use', items: st.quotaUse, rowAttrs: (q) => ({ dataset: { key: q.key } }),
          columns: [{ key: 'transparency.quota', cell: (q) => q.key },
            { key: 'transparency.quota_size', num: true, cell: (q) => fmt(q.size) },
            { key: 'transparency.quota_issued', num: true, cell: (q) => fmt(q.issued) }] })),
      h('section', { 'aria-labelledby': 'tr-time' }, h('h2', { id: 'tr-time', i18n: 'transparency.decision_time' }),
        h('p', { dataset: { decisions: String(st.decisions) }, i18n: st.decisionMedianS === null ? 'transparency.none' : 'transparency.decision_median',
          args: { minutes: fmt(Math.round((st.decisionMedianS || 0) / 60)), n: fmt(st.decisions) } })),
      h('p', { class: 'aside', i18n: 'transparency.how' }));
  },
};
