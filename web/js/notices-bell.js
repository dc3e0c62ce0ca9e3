// notices-bell.js: the bell in the header: a link to #/notices with the number of unread
// notices, for anyone signed in; refreshed on every page change and every minute.
import { api } from './api.js';
import { h } from './dom.js';

const REFRESH_MS = 60000;
const AGAIN_MS = 15000; // a page change asks again only after this long
let timer = null;
let lastUser = null;
let lastAsked = 0;

// A bell drawn as SVG (no emoji font needed).
function bellIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '24', height: '24', 'aria-hidden': 'true', class: 'bell-icon' })) svg.setAttribute(k, v);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5-6.71V3.5a2 2 0 0 0-4 0v.79A7 7 0 0 0 5 11v5l-2 2v1h18v-1z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

function bell() {
  let el = document.getElementById('notices-bell');
  if (!el) {
    const bar = document.querySelector('.top-bar');
    if (!bar) return null;
    el = h('a', { id: 'notices-bell', class: 'bell', href: '#/notices', hidden: true, i18nAttr: { 'aria-label': 'notify.bell' } },
      bellIcon(), h('span', { class: 'bell-count', dataset: { count: '0' } }, '0'));
    bar.querySelector('.lang-switch')?.before(el);
  }
  return el;
}

// Show n unread (when known) or ask the server.
export async function refreshBell(n) {
  const el = bell();
  if (!el) return;
  if (n === undefined) {
    try { n = (await api.get('/api/v1/notices?limit=1')).unread; } catch { return; }
  }
  const count = el.querySelector('.bell-count');
  count.textContent = n > 99 ? '99+' : String(n);
  count.dataset.count = String(n);
  count.hidden = n === 0;
  el.classList.toggle('bell-unread', n > 0);
}

// Called with the signed-in user (or null) after each render.
export function updateBell(user) {
  const el = bell();
  if (!el) return;
  el.hidden = !user;
  const same = user && lastUser && user.id === lastUser.id;
  lastUser = user;
  if (!user) { clearInterval(timer); timer = null; return; }
  if (same && Date.now() - lastAsked < AGAIN_MS) return;
  lastAsked = Date.now();
  refreshBell();
  clearInterval(timer);
  timer = setInterval(() => { if (document.visibilityState === 'visible') refreshBell(); }, REFRESH_MS);
}
