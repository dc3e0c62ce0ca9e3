// sw.js: the offline shell. A border post's network comes and goes; the officer's pages must
// load and verify without it. This service worker keeps:
//   - the shell (index.html, style, catalogues, the start-up modules, the officer's pages
//     with what they import, the QR reader) in a versioned cache filled at install, served
//     from the cache at once and refreshed behind; every other page module joins the cache
//     the first time it is loaded (the app loads a page's module when the page is opened);
//   - a few API answers the pages need to start and to verify offline (who is signed in,
//     the border zones), fetched from the network first and
//     answered from the last good copy when there is none (the keys themselves are kept,
//     with their age, by js/offline-verify.js).
// Signing out (DELETE /api/v1/session) forgets the kept API answers.
const SHELL = 'kapka-shell-v2';
const DATA = 'kapka-data-v1';
const CORE = ['/', '/index.html', '/css/kapka.css', '/img/kapka.svg', '/i18n/ky.json', '/i18n/ru.json', '/i18n/en.json',
  '/vendor/jsQR.js'];
// API answers kept for offline use (GET only, 200 only).
// (Partners' public keys are kept by offline-verify.js with the time they were fetched.)
const KEEP = [/^\/api\/v1\/session$/, /^\/api\/v1\/border-zones$/];

// Pages that must open with no network after one visit: the start pages and the officer's
// checks (a border post's network comes and goes).
const OFFLINE_PAGES = ['home', 'login', 'verify', 'zone-check'];

// The core files, the start-up modules and the offline pages, with every module they import.
async function shellFiles() {
  const files = new Set(CORE);
  const seen = new Set();
  const queue = ['/js/app.js', ...OFFLINE_PAGES.map((p) => `/js/pages/${p}.js`)];
  while (queue.length) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    files.add(url);
    const res = await fetch(url, { cache: 'no-cache' });
    if (!res.ok) continue;
    const src = await res.text();
    const base = new URL(url, self.location.origin);
    for (const m of src.matchAll(/(?:import|from)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g)) {
      queue.push(new URL(m[1], base).pathname);
    }
  }
  return [...files];
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(await shellFiles());
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (![SHELL, DATA].includes(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

async function fromNetworkElseKept(request) {
  const cache = await caches.open(DATA);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(request, res.clone());
    return res;
  } catch (err) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw err;
  }
}

// The shell: the cached copy at once (refreshed behind it), else the network.
async function shellFirst(event) {
  const cache = await caches.open(SHELL);
  const key = new URL(event.request.url).pathname === '/' ? '/index.html' : event.request;
  const kept = await cache.match(key, { ignoreSearch: true });
  const fresh = fetch(event.request).then(async (res) => {
    if (res.ok && res.type === 'basic') await cache.put(key, res.clone());
    return res;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === '/api/v1/session' && event.request.method === 'DELETE') {
    event.waitUntil(caches.delete(DATA));
    return;
  }
  if (event.request.method !== 'GET') return;
  if (url.pathname.startsWith('/api/')) {
    if (KEEP.some((re) => re.test(url.pathname))) event.respondWith(fromNetworkElseKept(event.request));
    return;
  }
  if (url.pathname.endsWith('.pdf') || url.pathname === '/metrics') return;
  event.respondWith(shellFirst(event));
});
