// router.js: hash routes (#/name/param…?key=value) onto the pages listed in pages/index.js.
// Each entry there says who may open the page and where it sits in the menu:
//   { name: 'permits',                       // #/permits, web/js/pages/permits.js
//     title: 'catalogue.key',                 // <title> and the nav text unless nav.label
//     access: 'user' | 'guest' | 'any',       // who may open it (default 'user')
//     roles: ['carrier', …],                  // optional: only these roles (with access 'user')
//     nav: { label: 'nav.key', order: 10 },   // optional: listed in the top navigation
//     help: true }                            // optional: short help (help.<name>) under the heading
// The page's module is loaded the first time the page is opened (a cold start loads only the
// page shown); its default export is { async render(view, ctx) }, filling view (a detached <div>).
// ctx: {params, query, user, session, flash, api, navigate(path, {query, flash}), t,
//       current() (false once a newer navigation started), signIn(username, password)}
import LIST from './pages/index.js';

const pages = new Map(LIST.map((p) => [p.name, { access: 'user', ...p }]));
const loaded = new Map(); // name → Promise of the module's default export

export function page(name) {
  return pages.get(name) ?? null;
}

// The page's module ({render}), loaded once; a failed load is tried again next time.
export function load(p) {
  if (!loaded.has(p.name)) {
    loaded.set(p.name, import(`./pages/${p.name}.js`).then((m) => m.default, (err) => {
      loaded.delete(p.name);
      throw err;
    }));
  }
  return loaded.get(p.name);
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
