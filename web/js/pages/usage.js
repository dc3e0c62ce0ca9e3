// usage.js: quota usage (#/usage?year=…&direction=…): a bar chart drawn as inline SVG
// (share of each quota used, issued and left), the same numbers as a table, usage per
// carrier, and CSV downloads (GET /api/v1/quotas/usage and /api/v1/quotas/usage/carriers).
import { append, h } from '../dom.js';
import { t, has, localize } from '../i18n.js';
import { countryName, typeName, table, errorNotice, fmt } from '../permit-ui.js';
import { yearPicker, pageYear } from './quotas.js';

const SVG = 'http://www.w3.org/2000/svg';

// An SVG element; i18n/args/fallback work as in h().
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'i18n') el.dataset.i18n = v;
    else if (k === 'args') el.dataset.i18nArgs = JSON.stringify(v);
    else if (k === 'fallback') el.dataset.i18nFallback = v;
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const countryKey = (code) => `country.${code.toLowerCase()}`;
const typeKey = (name) => `permit_type.${String(name).toLowerCase()}`;
const label = (key, fallback) => (has(key) ? t(key) : fallback);

// Rows: [{partner, type_name, size, issued, used, remaining}] of one direction. Each row:
// the country; the permit type and the numbers; then a bar as wide as the quota, filled
// with the share used (dark) and issued but not yet used (mid).
export function usageChart(rows, direction) {
  const W = 320, ROW = 62, TOP = 2;
  const H = TOP + rows.length * ROW;
  const uid = `chart-${direction}`;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', class: 'chart',
    'aria-labelledby': `${uid}-title ${uid}-desc` },
  s('title', { id: `${uid}-title`, i18n: `usage.chart_title_${direction}` }),
  s('desc', { id: `${uid}-desc` }, rows.map((r) => `${label(countryKey(r.partner), r.partner)}, ${label(typeKey(r.type_name), r.type_name)}: `
    + `${t('usage.chart_row', { issued: r.issued, size: r.size, used: r.used })}. `).join('')));
  rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const size = Math.max(r.size, 1);
    const wUsed = (W * Math.min(r.used, size)) / size;
    const wIssued = (W * Math.min(Math.max(r.issued - r.used, 0), size - Math.min(r.used, size))) / size;
    const pct = Math.round((100 * r.issued) / size);
    svg.append(s('g', { class: 'bar', 'data-partner': r.partner, 'data-type': r.type_name, 'data-issued': r.issued, 'data-size': r.size },
      s('text', { x: 0, y: y + 14, class: 'bar-label', i18n: countryKey(r.partner), fallback: r.partner }),
      s('text', { x: W, y: y + 30, 'text-anchor': 'end', class: 'bar-value' }, `${fmt(r.issued)} / ${fmt(r.size)} · ${pct}%`),
      s('text', { x: 0, y: y + 30, class: 'bar-type', i18n: typeKey(r.type_name), fallback: r.type_name }),
      s('rect', { x: 0.5, y: y + 36, width: W - 1, height: 16, class: 'seg-left', rx: 3 }),
      wIssued + wUsed > 0 ? s('rect', { x: 0.5, y: y + 36, width: Math.max(wUsed + wIssued - 1, 2), height: 16, class: 'seg-issued', rx: 3 }) : null,
      wUsed > 0 ? s('rect', { x: 0.5, y: y + 36, width: Math.max(wUsed - 1, 2), height: 16, class: 'seg-used', rx: 3 }) : null));
  });
  localize(svg);
  return svg;
}

function legend() {
  return h('ul', { class: 'legend' },
    ['used', 'issued', 'left'].map((k) => h('li', {}, h('span', { class: `swatch seg-${k}`, 'aria-hidden': 'true' }),
      h('span', { i18n: `usage.legend_${k}` }))));
}

const n = (v) => fmt(v);

export default {
  async render(view, ctx) {
    const year = pageYear(ctx);
    const direction = ctx.query.direction === 'inbound' ? 'inbound' : 'outbound';
    append(view, h('h1', { i18n: 'usage.title' }), h('p', { class: 'lead', i18n: 'usage.lead' }));

    const dirId = 'usage-direction';
    const dirSelect = h('select', { id: dirId, name: 'direction' },
      h('option', { value: 'outbound', i18n: 'quotas.direction_outbound_long' }),
      h('option', { value: 'inbound', i18n: 'quotas.direction_inbound_long' }));
    dirSelect.value = direction;
    dirSelect.addEventListener('change', () => ctx.navigate('usage', { query: { year: String(year), direction: dirSelect.value } }));
    const picker = yearPicker(ctx, 'usage', year, { direction });
    append(view, h('div', { class: 'filters' }, picker,
      h('div', { class: 'field' }, h('label', { for: dirId, i18n: 'quotas.direction' }), dirSelect)));

    append(view, h('p', { class: 'downloads' },
      h('a', { class: 'button secondary', href: `/api/v1/quotas/usage?format=csv&year=${year}`, download: `quota-usage-${year}.csv`,
        dataset: { csv: 'usage' }, i18n: 'usage.csv_quotas' }),
      h('a', { class: 'button secondary', href: `/api/v1/quotas/usage/carriers?format=csv&year=${year}`,
        download: `carrier-usage-${year}.csv`, dataset: { csv: 'carriers' }, i18n: 'usage.csv_carriers' })));

    try {
      const [usage, carriers] = await Promise.all([
        ctx.api.get(`/api/v1/quotas/usage?year=${year}`), ctx.api.get(`/api/v1/quotas/usage/carriers?year=${year}`)]);
      const rows = usage.items.filter((r) => r.direction === direction)
        .sort((a, b) => a.partner.localeCompare(b.partner) || a.type - b.type);
      const chartSection = h('section', { class: 'usage-chart', 'aria-labelledby': 'usage-chart-title' },
        h('h2', { id: 'usage-chart-title', i18n: `usage.chart_title_${direction}` }));
      if (rows.length) {
        append(chartSection,
          h('div', { class: 'chart-and-table' },
            h('figure', { class: 'chart-figure' }, usageChart(rows, direction), h('figcaption', {}, legend())),
            table({
              caption: 'usage.table_caption', items: rows,
              rowAttrs: (r) => ({ dataset: { partner: r.partner, type: r.type_name } }),
              columns: [
                { key: 'quotas.partner', cell: (r) => [countryName(r.partner), ' · ', typeName(r.type_name)] },
                { key: 'quotas.size', num: true, cell: (r) => n(r.size) },
                { key: 'quotas.issued', num: true, cell: (r) => n(r.issued) },
                { key: 'quotas.used', num: true, cell: (r) => n(r.used) },
                { key: 'usage.returned', num: true, cell: (r) => n(r.returned) },
                { key: 'usage.revoked', num: true, cell: (r) => n(r.revoked) },
                { key: 'usage.expired', num: true, cell: (r) => n(r.expired) },
                { key: 'quotas.remaining', num: true, cell: (r) => n(r.remaining) },
              ],
            })));
      } else {
        append(chartSection, h('p', { class: 'aside', i18n: 'quotas.none' }));
      }
      append(view, chartSection,
        h('section', { 'aria-labelledby': 'usage-carriers' }, h('h2', { id: 'usage-carriers', i18n: 'usage.carriers_title' }),
          carriers.items.length ? table({
            caption: 'usage.carriers_caption', items: carriers.items,
            rowAttrs: (r) => ({ dataset: { organisation: String(r.organisation_id) } }),
            columns: [
              { key: 'permit.company', cell: (r) => r.company },
              { key: 'quotas.partner', cell: (r) => countryName(r.partner) },
              { key: 'quotas.type', cell: (r) => typeName(r.type_name) },
              { key: 'quotas.issued', num: true, cell: (r) => n(r.issued) },
              { key: 'quotas.used', num: true, cell: (r) => n(r.used) },
              { key: 'usage.returned', num: true, cell: (r) => n(r.returned) },
              { key: 'usage.revoked', num: true, cell: (r) => n(r.revoked) },
            ],
          }) : h('p', { class: 'aside', i18n: 'usage.carriers_none' })));
    } catch (err) {
      append(view, errorNotice(err));
    }
  },
};
