// layout.test.mjs: the UI at 360 px (a phone at a border post), its accessibility basics,
// and the message catalogues being complete in all three languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/kapka.mjs';
import { harness, openPage, shot, onPage, unique, companyInn, setLanguage } from './helpers.mjs';

const WEB = join(ROOT, 'web');
const LANGS = ['ky', 'ru', 'en'];

const env = harness();
before(() => env.start());
after(() => env.stop());

// Width of the page beyond the viewport, in CSS pixels (0 = no horizontal scroll).
function overflow(page) {
  return page.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((el) => el.tagName.toLowerCase() + (el.className ? `.${el.className}` : ''));
    return { extra: document.documentElement.scrollWidth - document.documentElement.clientWidth, wide };
  });
}

test('360 px wide: no horizontal scroll on sign-in, registration and home, in every language', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 740 });
  await page.goto('/');
  await onPage(page, 'login');
  for (const lang of ['en', 'ru', 'ky']) { // ends in Kyrgyz, whose words are longest
    await setLanguage(page, lang);
    const o = await overflow(page);
    assert.equal(o.extra, 0, `sign-in (${lang}) scrolls sideways; too wide: ${o.wide.join(', ')}`);
    await shot(page, `layout-360-login-${lang}`);
  }
  for (const kind of ['carrier', 'traveller']) {
    await page.goto(`/#/register/${kind}`);
    await page.locator(`.view[data-kind="${kind}"]`).waitFor();
    await page.getByRole('button', { name: 'Эсептик жазуу түзүү' }).click(); // show every field error
    await page.locator('.error-summary:visible').waitFor();
    const o = await overflow(page);
    assert.equal(o.extra, 0, `register ${kind} scrolls sideways; too wide: ${o.wide.join(', ')}`);
    await shot(page, `layout-360-register-${kind}-ky`);
  }

  // Signed in, with long Kyrgyz words and a long company name.
  const c = { username: unique('layout'), password: 'a long enough password' };
  const r = await env.kapka.req('POST', '/api/v1/carriers', { body: {
    company_name: 'Ысык-Көл Эл Аралык Жүк Ташуу жана Логистика Жоопкерчилиги Чектелген Коому', inn: companyInn(),
    address: 'Каракол ш., Абдрахманов көчөсү, 123-үй, 45-кеңсе', contact_name: 'Гүлнара Абдыкадырова',
    contact_phone: '+996 312 000000', contact_email: 'very.long.address.for.dispatch@issyk-kul-logistics.kg',
    licence_number: 'AT-000123/2024', username: c.username, password: c.password } });
  assert.equal(r.status, 201, r.text);
  await page.goto('/#/login');
  await onPage(page, 'login');
  await page.locator('input[name="username"]').fill(c.username);
  await page.locator('input[name="password"]').fill(c.password);
  await page.locator('button[type="submit"]').click();
  await onPage(page, 'home');
  await page.locator('section[data-organisation]').waitFor();
  const o = await overflow(page);
  assert.equal(o.extra, 0, `home scrolls sideways; too wide: ${o.wide.join(', ')}`);
  await shot(page, 'layout-360-home-ky');
  assert.deepEqual(problems, []);
  await context.close();
});

test('accessibility basics: landmarks, labels, touch targets, visible focus, live errors', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 740 });
  for (const route of ['#/login', '#/register/carrier', '#/register/traveller']) {
    await page.goto(`/${route}`);
    await page.locator('main .view').waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
    const report = await page.evaluate(() => {
      const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const controls = [...document.querySelectorAll('input, select, textarea, button')].filter(visible);
      return {
        lang: document.documentElement.lang,
        landmarks: ['header', 'nav', 'main', 'footer'].filter((s) => document.querySelector(s)),
        h1: document.querySelectorAll('main h1').length,
        unlabelled: controls.filter((el) => el.tagName !== 'BUTTON' && el.labels.length === 0).map((el) => el.name),
        nameless: controls.filter((el) => el.tagName === 'BUTTON' && !el.textContent.trim()).length,
        small: [...controls, ...document.querySelectorAll('nav a, main a.choice')].filter(visible)
          .filter((el) => !(el.type === 'checkbox') && el.getBoundingClientRect().height < 40)
          .map((el) => `${el.tagName} ${el.name || el.textContent.trim()} ${el.getBoundingClientRect().height}`),
        live: !!document.getElementById('announcer')?.getAttribute('aria-live'),
        alerts: [...document.querySelectorAll('form .error-summary')].every((el) => el.getAttribute('role') === 'alert'),
        describedBy: [...document.querySelectorAll('form [data-field]')]
          .every((el) => (el.getAttribute('aria-describedby') || '').split(' ')
            .every((id) => id && document.getElementById(id))),
      };
    });
    assert.equal(report.lang, 'en');
    assert.deepEqual(report.landmarks, ['header', 'nav', 'main', 'footer'], route);
    assert.equal(report.h1, 1, `${route}: one h1`);
    assert.deepEqual(report.unlabelled, [], `${route}: every field has a <label for>`);
    assert.equal(report.nameless, 0);
    assert.deepEqual(report.small, [], `${route}: touch targets at least 40 px high`);
    assert.ok(report.live && report.alerts && report.describedBy, JSON.stringify(report));
  }

  // Keyboard: on a fresh page the first Tab reaches the skip link, visible and outlined.
  await page.goto('/#/register');
  await page.reload();
  await onPage(page, 'register');
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return { cls: el.className, top: el.getBoundingClientRect().top, outline: s.outlineStyle, shadow: s.boxShadow };
  });
  assert.equal(skip.cls, 'skip-link');
  assert.ok(skip.top >= 0, 'skip link comes into view');
  assert.ok(skip.outline !== 'none' || skip.shadow !== 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.match(page.url(), /#\/register$/, 'the skip link does not disturb the route');

  // Unknown routes get a page of their own.
  await page.goto('/#/no-such-page');
  await page.locator('main .view[data-page="notfound"]').waitFor();
  assert.equal(await page.locator('main h1').innerText(), 'Page not found');
  await shot(page, 'layout-360-not-found');
  assert.deepEqual(problems, []);
  await context.close();
});

test('catalogues: the three languages have the same keys and every key the code names exists', () => {
  const cats = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(WEB, 'i18n', `${l}.json`), 'utf8'))]));
  // Plural forms differ by language (Russian has one/few/many/other); compare the base keys.
  const base = (cat) => [...new Set(Object.keys(cat).map((k) => k.replace(/\.(zero|one|two|few|many|other)$/, '')))].sort();
  for (const l of ['ky', 'ru']) assert.deepEqual(base(cats[l]), base(cats.en), `${l}.json has the keys en.json has`);
  for (const l of LANGS) {
    for (const [k, v] of Object.entries(cats[l])) {
      assert.ok(typeof v === 'string' && v.trim(), `${l}.json: ${k} is empty`);
      const plural = /\.(one|few|many|other)$/.test(k);
      if (plural) assert.ok(cats[l][k.replace(/\.\w+$/, '.other')], `${l}.json: ${k} without .other`);
    }
    // Kyrgyz and Russian are translated, not copied: only names and formats may equal English.
    if (l !== 'en') {
      const same = Object.keys(cats.en).filter((k) => cats[l][k] === cats.en[k] && !/^(lang\.|date\.long_time)/.test(k));
      assert.deepEqual(same, [], `${l}.json: left in English`);
    }
  }

  // Keys in the markup and string literals in the code that look like keys.
  const keys = new Set(base(cats.en));
  const used = new Set();
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]);
  for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g)) for (const p of m[1].split(';')) used.add(p.split(':')[1]);
  // Not catalogue keys: a storage name, a file, an action name in a history entry. (The
  // server's field paths, such as 'transport.plate', are the keys of the maps that rename
  // them to the page's fields: an object's key, after '{' or ',' and before ':', is not read
  // as a catalogue key; a ternary's 'a.b' : 'c.d' still is.)
  const notKeys = new Set(['kapka.lang', 'index.js', 'booking.move']);
  const jsFiles = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? jsFiles(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : []);
  for (const file of jsFiles(join(WEB, 'js'))) {
    const src = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
    for (const m of src.matchAll(/(?<![{,]\s*)'([a-z_]+(?:\.[a-z_]+)+)'|'([a-z_]+(?:\.[a-z_]+)+)'(?!\s*:)/g)) { const k = m[1] ?? m[2]; if (!notKeys.has(k)) used.add(k); }
  }
  assert.ok(used.size > 50, `found ${used.size} keys in use`);
  const missing = [...used].filter((k) => !keys.has(k));
  assert.deepEqual(missing, [], 'keys used but not in the catalogues');

  // No user-visible text in the markup itself.
  const body = html.slice(html.indexOf('<body'));
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  assert.equal(text, '', 'index.html body holds no text of its own');
});
