// app.js: start the web UI: pick the language, learn who is signed in, then render the
// page the location hash names, re-rendering on every hash change.
import { onUnauthenticated, api } from './api.js';
import { append, h, notice, announce } from './dom.js';
import { addHelp } from './help.js';
import { t, setLanguage, storedLanguage, browserLanguage, language, onLanguageChange } from './i18n.js';
import * as router from './router.js';
import * as session from './session.js';
import { updateBell } from './notices-bell.js';

let flash = null;          // a message for the next page shown, e.g. after sign-out
let renderSeq = 0;
let currentPage = null;
let firstRender = true;

// Navigate; flash: {key, args, data} shown (and data handed) to the next page.
function navigate(path, { query, flash: f } = {}) {
  flash = f ?? null;
  router.go(path, query);
}

function updateTitle() {
  const name = t('app.name');
  document.title = currentPage?.title ? `${t(currentPage.title)} · ${name}` : name;
}

function updateNav(user) {
  const list = document.getElementById('nav-list');
  list.replaceChildren(...router.navEntries(user).map((p) => {
    const a = h('a', { href: router.href(p.name), i18n: p.nav.label ?? p.title });
    if (currentPage && p.name === currentPage.name) a.setAttribute('aria-current', 'page');
    return h('li', {}, a);
  }));
  document.getElementById('sign-out').hidden = !user;
  // On a phone the menu is one row scrolling inside itself: keep the current page in sight.
  const cur = list.querySelector('[aria-current="page"]');
  if (cur && list.scrollWidth > list.clientWidth) list.scrollLeft = Math.max(0, cur.offsetLeft - 16);
}

function updateLanguageButtons() {
  for (const b of document.querySelectorAll('.lang-switch [data-lang]')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === language()));
  }
}

const notFound = {
  name: '', title: 'notfound.title', access: 'any',
  render(view) {
    append(view, h('h1', { i18n: 'notfound.title', tabindex: '-1' }), h('p', { i18n: 'notfound.body' }),
      h('p', {}, h('a', { href: '#/', i18n: 'notfound.home' })));
  },
};

async function render() {
  const route = router.parse(location.hash);
  if (!route) return; // an in-page anchor, not a route
  const seq = ++renderSeq;
  const user = session.user();
  const name = route.name || (user ? 'home' : 'login');
  let p = router.page(name) ?? notFound;
  if (!router.allowed(p, user)) {
    if (!user) return navigate('login', { query: route.path ? { next: route.path } : undefined, flash });
    if (p.access === 'guest') return navigate('home');
    p = notFound;
  }
  const f = flash;
  flash = null;
  // data-route: the whole address, so a test (or a reader) can tell two crossings' pages apart
  const view = h('div', { class: 'view', dataset: { page: p.name || 'notfound', route: location.hash.replace(/^#\/?/, '') } });
  const ctx = {
    params: route.params, query: route.query, user, session: session.info(), flash: f,
    api, navigate, t, current: () => seq === renderSeq,
    signIn: async (u, pw) => { await session.signIn(u, pw); await syncLanguage(); },
  };
  try {
    const mod = p === notFound ? p : await router.load(p);
    if (seq !== renderSeq) return;
    await mod.render(view, ctx);
    if (p.help) addHelp(view, p.name);
  } catch (err) {
    console.error(err);
    // A page module that did not arrive is the network's fault, not the page's.
    const key = err instanceof TypeError && /import|module/i.test(err.message) ? 'error.network' : 'error.internal';
    view.replaceChildren(h('h1', { i18n: 'error.title', tabindex: '-1' }), notice({ key }, 'error'));
  }
  if (seq !== renderSeq) return; // a newer navigation won
  currentPage = p;
  const main = document.getElementById('main');
  main.replaceChildren(view);
  updateTitle();
  updateNav(session.user());
  updateBell(session.user());
  // Focus: the field a page asks for, else (after a navigation) the new heading.
  const target = view.querySelector('[data-autofocus]') ?? (firstRender ? null : view.querySelector('h1'));
  if (target) {
    if (target.tagName === 'H1') target.setAttribute('tabindex', '-1');
    target.focus();
  }
  if (!firstRender || f) announce(f?.key ? `${document.title}. ${t(f.key, f.args)}` : document.title);
  firstRender = false;
  document.documentElement.dataset.ready = 'true';
}

// Without an explicit choice, follow the language saved in the signed-in user's profile.
async function syncLanguage() {
  const u = session.user();
  if (!storedLanguage() && u?.language && u.language !== language()) await setLanguage(u.language);
}

async function signOut() {
  const button = document.getElementById('sign-out');
  button.disabled = true;
  try {
    await session.signOut();
    navigate('login', { flash: { key: 'logout.done' } });
  } catch (err) {
    console.error(err);
    announce(t('error.signout_failed'));
  } finally {
    button.disabled = false;
  }
}

function bindShell() {
  for (const b of document.querySelectorAll('.lang-switch [data-lang]')) {
    b.addEventListener('click', () => setLanguage(b.dataset.lang, { remember: true }));
  }
  onLanguageChange(() => {
    updateLanguageButtons();
    updateTitle();
  });
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.querySelector('.skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('main').focus();
  });
  window.addEventListener('hashchange', render);
  // A session that ended on the server (expired, signed out elsewhere) sends us to sign-in.
  onUnauthenticated((err, { path }) => {
    if (path === '/api/v1/session' || !session.user()) return;
    session.forget();
    navigate('login', { flash: { key: 'session.expired' } });
  });
}

async function start() {
  // The catalogue, who is signed in and the module of the page asked for load side by side.
  const asked = router.page(router.parse(location.hash)?.name || '');
  if (asked) router.load(asked).catch(() => {}); // render() reports a failure
  const signedIn = session.refresh().then(() => null, (err) => err);
  await setLanguage(storedLanguage() ?? browserLanguage());
  updateLanguageButtons();
  bindShell();
  try {
    const err = await signedIn;
    if (err) throw err;
  } catch (err) {
    console.error(err);
    document.getElementById('main').replaceChildren(
      h('h1', { i18n: 'error.title' }), notice({ key: 'error.network' }, 'error'));
    return;
  }
  await syncLanguage();
  await render();
}

start();
// The offline shell (sw.js): pages load with no network once they have loaded once.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
