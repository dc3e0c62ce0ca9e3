// checkpoint-map.js: the map of crossings. Leaflet (vendored, /vendor/leaflet.esm.js) with
// OpenStreetMap tiles; when the tiles cannot load (no internet at the post, or in the tests)
// or Leaflet itself fails, a bundled SVG: a schematic outline of Kyrgyzstan with every
// checkpoint placed by its coordinates, coloured open or closed. Either way each marker
// names the crossing and links to it.
import { h } from './dom.js';
import { t } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TILE_WAIT_MS = 4000;

// Kyrgyzstan's border, simplified (longitude, latitude), for the offline map.
const KG_OUTLINE = [
  [70.97, 42.25], [71.25, 42.75], [71.85, 42.83], [73.5, 42.52], [73.57, 43.05], [74.3, 43.25], [75.0, 42.95],
  [75.7, 42.83], [76.6, 42.95], [77.6, 42.95], [78.5, 42.87], [79.2, 42.76], [80.25, 42.2], [80.15, 42.03],
  [79.2, 41.78], [78.35, 41.38], [77.8, 41.05], [76.85, 41.02], [76.2, 40.4], [75.6, 40.65], [74.9, 40.47],
  [74.0, 40.05], [73.82, 39.6], [73.5, 39.45], [72.3, 39.33], [71.55, 39.6], [70.65, 39.9], [69.55, 39.95],
  [69.3, 40.1], [69.5, 40.2], [70.4, 40.25], [70.9, 40.2], [71.7, 40.15], [72.2, 40.45], [72.95, 40.85],
  [73.1, 41.05], [72.2, 41.05], [71.75, 41.45], [71.05, 41.75], [70.6, 41.95], [70.97, 42.25],
];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

// The offline map: an equirectangular projection framed on the checkpoints shown.
// The frame: Kyrgyzstan and what lies near it; crossings farther away (the Caspian, the
// Altai) are listed under the map instead of shrinking it to a strip.
const NEAR = { lon0: 68, lon1: 81.5, lat0: 38.5, lat1: 44.5 };
const near = (c) => c.lon >= NEAR.lon0 && c.lon <= NEAR.lon1 && c.lat >= NEAR.lat0 && c.lat <= NEAR.lat1;

export function fallbackMap(all, { name, href }) {
  const items = all.filter(near);
  const beyond = all.filter((c) => !near(c));
  const pts = items.map((c) => [c.lon, c.lat]).concat(KG_OUTLINE);
  const lon0 = Math.min(...pts.map((p) => p[0])) - 0.6, lon1 = Math.max(...pts.map((p) => p[0])) + 0.6;
  const lat0 = Math.min(...pts.map((p) => p[1])) - 0.5, lat1 = Math.max(...pts.map((p) => p[1])) + 0.5;
  const k = Math.cos(((lat0 + lat1) / 2) * Math.PI / 180);
  const W = 640, H = Math.max(240, Math.round((W * (lat1 - lat0)) / ((lon1 - lon0) * k)));
  const x = (lon) => ((lon - lon0) / (lon1 - lon0)) * W;
  const y = (lat) => ((lat1 - lat) / (lat1 - lat0)) * H;
  const outline = KG_OUTLINE.map(([lo, la], i) => `${i ? 'L' : 'M'}${x(lo).toFixed(1)},${y(la).toFixed(1)}`).join(' ') + 'Z';
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'cp-map-svg', role: 'img', 'aria-label': t('checkpoints.map_offline') },
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'cp-map-sea' }),
    s('path', { d: outline, class: 'cp-map-kg' }));
  for (const c of items) {
    const open = c.status?.open;
    const a = s('a', { href: href(c), class: `cp-map-point ${open ? 'is-open' : 'is-closed'}`, 'data-code': c.code },
      s('title', {}, `${name(c)}: ${t(open ? 'checkpoint.open' : 'checkpoint.closed')}`),
      s('circle', { cx: x(c.lon).toFixed(1), cy: y(c.lat).toFixed(1), r: 7 }),
      x(c.lon) > W * 0.75 // labels near the right edge go to the left of their point
        ? s('text', { x: (x(c.lon) - 9).toFixed(1), y: (y(c.lat) + 4).toFixed(1), 'text-anchor': 'end' }, name(c))
        : s('text', { x: (x(c.lon) + 9).toFixed(1), y: (y(c.lat) + 4).toFixed(1) }, name(c)));
    svg.append(a);
  }
  return h('div', { class: 'cp-map-fallback', dataset: { fallback: 'true' } }, svg,
    h('p', { class: 'hint', i18n: 'checkpoints.map_offline_note' }),
    beyond.length ? h('p', { class: 'hint cp-map-beyond' }, h('span', { i18n: 'checkpoints.map_beyond' }), ' ',
      beyond.map((c, i) => [i ? ', ' : '', h('a', { href: href(c), dataset: { code: c.code } }, name(c))])) : null);
}

// Fill box with the map: Leaflet when its tiles load, else the offline SVG.
export async function checkpointMap(box, items, opts) {
  const showFallback = () => {
    box.replaceChildren(fallbackMap(items, opts));
    box.dataset.map = 'fallback';
  };
  let L;
  try {
    L = await import('/vendor/leaflet.esm.js');
  } catch (err) {
    console.warn('kapka map: Leaflet did not load; showing the offline map', err);
    showFallback();
    return;
  }
  if (!document.querySelector('link[data-leaflet]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/leaflet.css', dataset: { leaflet: 'true' } }));
  }
  const holder = h('div', { class: 'cp-map-leaflet' });
  box.replaceChildren(holder);
  box.dataset.map = 'loading';
  const map = L.map(holder, { scrollWheelZoom: false });
  let loaded = false, failed = false;
  const layer = L.tileLayer(TILES, { maxZoom: 12, attribution: '© OpenStreetMap contributors' });
  layer.on('tileload', () => { loaded = true; box.dataset.map = 'tiles'; });
  layer.on('tileerror', () => {
    if (!loaded && !failed) { failed = true; map.remove(); showFallback(); }
  });
  layer.addTo(map);
  const bounds = [];
  for (const c of items) {
    const open = c.status?.open;
    L.circleMarker([c.lat, c.lon], { radius: 8, color: open ? '#1d6b36' : '#a4262c', fillOpacity: 0.8 })
      .bindPopup(() => h('a', { href: opts.href(c) }, opts.name(c)))
      .bindTooltip(opts.name(c))
      .addTo(map);
    bounds.push([c.lat, c.lon]);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView([41.5, 74.5], 6);
  setTimeout(() => {
    if (!loaded && !failed && holder.isConnected) { failed = true; map.remove(); showFallback(); }
  }, TILE_WAIT_MS);
}
