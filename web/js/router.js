// router.js: hash routes (#/name/param…?key=value) onto the page modules listed in
// pages/index.js. A page module's default export:
//   { title: 'catalogue.key',                 // <title> and the nav text unless nav.label
//     access: 'user' | 'guest' | 'any',       // who may open it (default 'user')
//     roles: ['carrier', …],                  // optional: only these roles (with access 'user')
//     nav: { label: 'nav.key', order: 10 },   // optional: listed in the top navigation
//     async render(view, ctx) }               // fill view (a detached <div>)
// ctx: {params, query, user, session, flash, api, navigate(path, {query, flash}), t,
//       current() (false once a newer navigation started), signIn(username, password)}
import LIST from './pages/index.js';

const pages = new Map();

export async function loadPages() {
  const mods = await Promise.all(LIST.map((name) => import(`./pages/${name}.js`)));
  LIST.forEach((name, i) => pages.set(name, { name, access: 'user', ...mods[i].default }));
}

export function page(name) {
  return pages.get(name) ?? null;
}

// May this user (or nobody, when null) open the page?
export function allowed(p, user) {
  if (p.access === 'guest') return !user;
  if (p.access === 'any') return true;
  if (!user) return false;
  return !p.roles || p.roles.includes(user.role);
}

// The navigation entries this user sees, in order.
export function navEntries(user) {
  return [...pages.values()]
    .filter((p) => p.nav && allowed(p, user))
    .sort((a, b) => (a.nav.order ?? 100) - (b.nav.order ?? 100));
}

// {name, params, query, path} for a location hash; null for a hash that is not a route
// (like the skip link's #main).
export function parse(hash) {
  if (hash === '' || hash === '#') return { name: '', params: [], query: {}, path: '' };
  if (!hash.startsWith('#/')) return null;
  const [path, qs = ''] = hash.slice(2).split('?');
  const parts = path.split('/').filter(Boolean).map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
  return { name: parts[0] || '', params: parts.slice(1), query: Object.fromEntries(new URLSearchParams(qs)), path };
}

// Go to a route: go('login', {next: 'home'}) → #/login?next=home
export function go(path, query) {
  const qs = query ? `?${new URLSearchParams(query)}` : '';
  const target = `#/${path}${qs}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

export function href(path) {
  return `#/${path}`;
}
