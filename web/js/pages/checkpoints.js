// checkpoints.js: every border crossing, for everyone (#/checkpoints?at=…&mode=…&neighbour=…
// &foreign=1), on a list and a map, with its status now or at a chosen time for a chosen
// kind of traffic; #/checkpoints/<code> shows one crossing with its hours per side.
// GET /api/v1/checkpoints, GET /api/v1/checkpoints/{code}/status.
import { append, h, named } from '../dom.js';
import { field, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { countryName, errorNotice, row, table } from '../permit-ui.js';
import { MODES, NEIGHBOURS, cpName, statusBlock, modeName, flowName } from '../checkpoint-ui.js';
import { checkpointMap } from '../checkpoint-map.js';
import { adminSections } from '../checkpoint-admin.js';

const href = (c) => `#/checkpoints/${encodeURIComponent(c.code)}`;

function query(ctx) {
  const q = new URLSearchParams();
  if (ctx.query.at) q.set('at', ctx.query.at);
  if (MODES.includes(ctx.query.mode)) q.set('mode', ctx.query.mode);
  if (NEIGHBOURS.includes(ctx.query.neighbour)) q.set('neighbour', ctx.query.neighbour);
  if (ctx.query.foreign === '1') q.set('foreign', 'true');
  return q;
}

function filters(ctx, route) {
  const f = makeForm({
    submit: 'checkpoints.show',
    async onSubmit(v) {
      const q = {};
      if (v.at) q.at = v.at;
      if (v.mode) q.mode = v.mode;
      if (v.neighbour) q.neighbour = v.neighbour;
      if (f.form.querySelector('[name="foreign"]').checked) q.foreign = '1';
      ctx.navigate(route, { query: q });
    },
  },
  h('div', { class: 'filters' },
    field({ name: 'at', label: 'checkpoints.when', type: 'datetime-local', hint: 'checkpoints.when_hint', value: ctx.query.at || '' }),
    field({ name: 'mode', label: 'checkpoints.mode', value: ctx.query.mode || '',
      options: [{ value: '', label: 'checkpoints.any_mode' }, ...MODES.map((m) => ({ value: m, label: `mode.${m}` }))] }),
    route === 'checkpoints' ? field({ name: 'neighbour', label: 'checkpoints.neighbour', value: ctx.query.neighbour || '',
      options: [{ value: '', label: 'checkpoints.any_neighbour' }, ...NEIGHBOURS.map((c) => ({ value: c, label: `country.${c.toLowerCase()}` }))] }) : null),
  h('div', { class: 'field field-check' },
    h('input', { type: 'checkbox', id: 'cp-foreign', name: 'foreign', class: 'check', checked: ctx.query.foreign === '1' }),
    h('label', { for: 'cp-foreign', i18n: 'checkpoints.foreign' })));
  return f.form;
}

function card(c) {
  return h('li', { class: 'card checkpoint', dataset: { code: c.code, open: String(c.status.open) } },
    h('h3', {}, h('a', { href: href(c) }, cpName(c))),
    h('p', { class: 'hint' }, countryName(c.country), ' → ', countryName(c.neighbour), ' · ',
      h('span', { i18n: 'checkpoints.posts', args: { own: c.post_names?.[c.country] || c.posts[c.country], other: c.post_names?.[c.neighbour] || c.posts[c.neighbour] } })),
    statusBlock(c, c.status),
    c.alternative ? h('p', { class: 'cp-alternative' }, h('span', { i18n: 'checkpoints.alternative', args: { km: String(c.alternative.distance_km) } }), ' ',
      h('a', { href: `#/checkpoints/${encodeURIComponent(c.alternative.code)}` }, c.alternative.name)) : null,
    h('p', { class: 'cp-modes' }, h('span', { i18n: 'checkpoints.allowed' }), ' ',
      c.modes.map((m, i) => [i ? ', ' : '', modeName(m)]),
      c.foreigners ? null : [' · ', h('span', { i18n: 'checkpoints.no_foreigners' })]));
}

async function renderList(view, ctx) {
  append(view, h('h1', { i18n: 'checkpoints.title' }), h('p', { class: 'lead', i18n: 'checkpoints.lead' }),
    h('p', {}, h('a', { href: '#/rules', i18n: 'rules.title' })), filters(ctx, 'checkpoints'));
  const mapBox = h('div', { class: 'cp-map', 'aria-label': t('checkpoints.map') });
  const list = h('div', { 'aria-live': 'polite' });
  append(view, h('section', { 'aria-labelledby': 'cp-map-title' }, h('h2', { id: 'cp-map-title', i18n: 'checkpoints.map' }), mapBox),
    h('section', { 'aria-labelledby': 'cp-list-title' }, h('h2', { id: 'cp-list-title', i18n: 'checkpoints.list' }), list));
  try {
    const { items } = await ctx.api.get(`/api/v1/checkpoints?${query(ctx)}`);
    list.replaceChildren(items.length ? h('ul', { class: 'cards' }, items.map(card)) : h('p', { class: 'aside', i18n: 'checkpoints.none' }));
    checkpointMap(mapBox, items, { name: cpName, href }).catch((err) => console.warn('kapka map', err));
  } catch (err) {
    list.replaceChildren(errorNotice(err));
  }
}

function hoursTable(cp) {
  return table({
    caption: 'checkpoint.hours', items: cp.hours,
    columns: [
      { key: 'checkpoint.side', cell: (w) => countryName(w.side) },
      { key: 'checkpoint.kind', cell: (w) => h('span', { i18n: `checkpoint.window_${w.kind}` }) },
      { key: 'checkpoint.days', cell: (w) => [...w.days].map((d, i) => [i ? ', ' : '', h('span', { i18n: `weekday.${d}` })]) },
      { key: 'checkpoint.time', cell: (w) => `${w.opens}–${w.closes}` },
    ],
  });
}

async function renderOne(view, ctx, code) {
  try {
    const cp = await ctx.api.get(`/api/v1/checkpoints/${encodeURIComponent(code)}`);
    const q = query(ctx);
    const st = await ctx.api.get(`/api/v1/checkpoints/${encodeURIComponent(code)}/status?${q}`);
    append(view, h('p', {}, h('a', { href: '#/checkpoints', i18n: 'checkpoints.back' })),
      h('h1', { dataset: { code } }, cpName(cp)),
      filters(ctx, `checkpoints/${code}`),
      h('section', { class: 'card', 'aria-labelledby': 'cp-status' }, h('h2', { id: 'cp-status', i18n: 'checkpoint.status' }), statusBlock(cp, st)),
      h('dl', { class: 'facts' },
        row('checkpoint.border', [countryName(cp.country), ' → ', countryName(cp.neighbour)]),
        row('checkpoint.posts', [named(cp.post_names?.[cp.country]) || cp.posts[cp.country], ' / ',
          named(cp.post_names?.[cp.neighbour]) || cp.posts[cp.neighbour]]),
        row('checkpoint.allowed', cp.modes.map((m, i) => [i ? ', ' : '', modeName(m)])),
        row('checkpoint.foreigners', h('span', { i18n: cp.foreigners ? 'answer.yes' : 'answer.no' })),
        row('checkpoint.permission', cp.permission_names ? named(cp.permission_names) : cp.permission),
        row('checkpoint.border_zone', cp.border_zone_names ? named(cp.border_zone_names) : cp.border_zone),
        row('checkpoint.season', cp.season ? `${cp.season.from} – ${cp.season.to}` : null),
        row('checkpoint.capacity', Object.entries(cp.capacity).map(([f, n], i) => [i ? ', ' : '', flowName(f), ` ${n}`])),
        row('checkpoint.coordinates', `${cp.lat.toFixed(3)}, ${cp.lon.toFixed(3)}`),
        row('checkpoint.notes', cp.notes_names ? named(cp.notes_names) : cp.notes)),
      h('section', { 'aria-labelledby': 'cp-hours' }, h('h2', { id: 'cp-hours', i18n: 'checkpoint.hours' }),
        h('p', { class: 'hint', i18n: 'checkpoint.hours_hint' }), hoursTable(cp)),
      cp.closures.length ? h('section', { 'aria-labelledby': 'cp-closures' }, h('h2', { id: 'cp-closures', i18n: 'checkpoint.closures' }),
        h('ul', {}, cp.closures.map((c) => h('li', {}, `${(c.from || '').slice(0, 10)} – ${(c.to || '…').slice(0, 10)}: `,
          c.reason_names ? named(c.reason_names) : c.reason)))) : null);
    await adminSections(cp, ctx, view);
  } catch (err) {
    append(view, h('h1', { i18n: 'checkpoints.title' }), errorNotice(err));
  }
}

export default {
  async render(view, ctx) {
    if (ctx.params[0]) await renderOne(view, ctx, ctx.params[0]);
    else await renderList(view, ctx);
  },
};
