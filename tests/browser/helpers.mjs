// helpers.mjs: shared set-up for the browser tests: Debian's chromium driven by
// playwright-core (no downloaded browsers), a kapka server with a fresh database, pages
// that record console errors, CSP violations and missing translations, and screenshots
// under tests/browser/out/.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startKapka as startKapkaBinary, clockNow } from '../lib/kapka.mjs';

export const OUT = join(ROOT, 'tests', 'browser', 'out');
const CHROMIUM = process.env.KAPKA_CHROMIUM || '/usr/bin/chromium';

// A kapka server with a fresh database. The signing-key passphrase is given per server so
// that no test writes a passphrase file into the work tree.
export function startKapka(opts = {}) {
  const env = { KAPKA_KEY_PASSPHRASE: randomBytes(18).toString('base64url'), ...opts.env };
  return startKapkaBinary({ ...opts, env });
}

// What one test file needs, started together and stopped together, including whatever did
// start when something else failed (a browser left running would keep node alive):
//   const env = harness();
//   before(() => env.start({ servers: { kapka: {} } }));   // env.kapka, env.browser
//   after(() => env.stop());
// browserArgs: extra chromium flags, e.g. a fake camera for the QR scanner.
export function harness() {
  const started = [];
  const env = {
    async start({ servers = { kapka: {} }, browser = true, browserArgs = [] } = {}) {
      const jobs = Object.entries(servers).map(async ([name, opts]) => {
        env[name] = await startKapka(opts);
        started.push(() => env[name].stop());
      });
      if (browser) {
        jobs.push((async () => {
          env.chromium = await launchBrowser({ args: browserArgs });
          env.browser = env.chromium.browser;
          started.push(() => env.chromium.close());
        })());
      }
      const results = await Promise.allSettled(jobs);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    async stop() {
      await Promise.allSettled(started.splice(0).map((stop) => stop()));
    },
  };
  return env;
}

// Launch chromium with a fresh profile folder. Playwright refuses --user-data-dir in args,
// so the folder is passed the way it wants (launchPersistentContext); each test then takes
// its own isolated context from the same browser.
export async function launchBrowser({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kapka-chromium-'));
  const persistent = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
  const browser = persistent.browser();
  return {
    browser,
    async close() {
      await persistent.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A page in a new context (own cookies and storage). problems collects what should never
// happen: uncaught errors, console errors (but not the browser's notes on API answers
// with 4xx, which the tests provoke on purpose), CSP violations, missing catalogue keys,
// and static files that failed to load.
export async function openPage(browser, baseURL, { locale = 'en-US', width = 412, height = 900 } = {}) {
  const context = await browser.newContext({ baseURL, locale, viewport: { width, height } });
  // With the suite's clock set (tests/run.sh's KAPKA_TEST_CLOCK), the browser's Date runs on
  // it too, as the servers' clocks do; time flows from there.
  if (process.env.KAPKA_TEST_CLOCK) await context.clock.install({ time: clockNow() });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    const where = msg.location()?.url || '';
    if (msg.type() === 'error' && !(text.startsWith('Failed to load resource') && where.includes('/api/'))) {
      problems.push(`console error: ${text} (${where})`);
    }
    if (text.includes('kapka i18n')) problems.push(text);
  });
  page.on('response', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/') && r.status() >= 400) {
      problems.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });
  return { context, page, problems };
}

// Save a full-page screenshot as <dir>/<name>.png (out/ unless a test keeps its own folder).
export async function shot(page, name, dir = OUT) {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

// Switch the page's language with the language switch and wait until it has taken.
export async function setLanguage(page, lang) {
  await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
  await page.locator(`html[lang="${lang}"]`).waitFor();
}

// Wait until the app has rendered the page named (data-page on the view).
export async function onPage(page, name) {
  await page.locator(`main .view[data-page="${name}"]`).waitFor();
}

// Unique test data, so tests never collide on usernames or INNs.
let seq = 0;
export function unique(prefix) {
  seq++;
  return `${prefix}${process.pid % 10000}${seq}${Date.now() % 100000}`;
}

export function companyInn() {
  // Legal entities: 14 digits starting with 0.
  const digits = `${Date.now()}${process.pid}${++seq}`.replace(/\D/g, '').slice(-13).padStart(13, '7');
  return `0${digits}`;
}

// Fill a form field by its visible label in the current language.
export async function fill(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

// Register a carrier company through the UI; ends on the sign-in page.
export async function registerCarrier(page, c, { screenshot } = {}) {
  await page.goto('/#/register');
  await onPage(page, 'register');
  await page.getByRole('link', { name: /Carrier company/ }).click();
  await page.locator('.view[data-kind="carrier"]').waitFor();
  await fill(page, 'Company name', c.company);
  await fill(page, 'INN (taxpayer identification number)', c.inn);
  await fill(page, 'Registered address', c.address);
  await fill(page, 'Carrier licence number', c.licence);
  await fill(page, 'Contact person', c.contact);
  await fill(page, 'Contact phone', c.phone);
  await fill(page, 'Contact e-mail (optional)', c.email);
  await fill(page, 'Username', c.username);
  await fill(page, 'Password', c.password);
  await fill(page, 'Repeat the password', c.password);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Create account' }).click();
}

export async function signIn(page, username, password) {
  await fill(page, 'Username', username);
  await fill(page, 'Password', password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Sign in as a user through the UI and, since the demo users keep their own language in
// their profile, switch to English (remembered) so the tests can read English labels.
export async function signInAs(page, username, password = DEMO_PASSWORD) {
  await page.goto('/#/login');
  await onPage(page, 'login');
  await signIn(page, username, password);
  await onPage(page, 'home');
  await page.locator('.lang-switch [data-lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor();
}

export const DEMO_PASSWORD = 'kapka-demo-2026';

// Go to a route and wait for its page.
export async function visit(page, route) {
  // The same address again would not render the page anew: reload it then.
  if (new URL(page.url()).hash === `#/${route}`) await page.reload();
  else await page.goto(`/#/${route}`);
  // Wait for this very address: another crossing's page has the same page name.
  await page.locator(`main .view[data-route="${route}"]`).waitFor();
}

// The page scrolls sideways by this many CSS pixels (0 = fits), and what sticks out.
export function overflow(page) {
  return page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      // tables and the phone's one-row menu scroll inside their own box, never the page
      .filter((el) => el.getBoundingClientRect().right > cw + 0.5 && !el.closest('.table-wrap, #nav-list'))
      .map((el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? `.${el.className}` : ''));
    return { extra: document.documentElement.scrollWidth - cw, wide };
  });
}

// The page fits its width: nothing makes it scroll sideways (what, for the message).
export async function noSideways(page, what) {
  const o = await overflow(page);
  assert.equal(o.extra, 0, `${what} scrolls sideways; too wide: ${o.wide.join(', ')}`);
}
