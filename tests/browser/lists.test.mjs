// lists.test.mjs: the app on a slow link and its lists: a cold load at 50 KB/s (Chromium's
// network throttling) fetches only what the first page needs, compressed; other pages'
// modules come when they are opened. The accounts list is searched and paged by the
// server, in Kyrgyz, Russian and English at 390 and 1280 px (screenshots in
// build/browser/lists/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ADMIN_PASSWORD } from '../lib/kapka.mjs';
import { harness, openPage, onPage, signInAs, visit, shot, setLanguage, noSideways, DEMO_PASSWORD } from './helpers.mjs';
import { intoTheNewYear, demoPermitThisYear } from '../lib/years.mjs';

const SHOTS = join(ROOT, 'build', 'browser', 'lists');
const LANGS = ['ky', 'ru', 'en'];
const SIZES = [{ width: 390, height: 844 }, { width: 1280, height: 900 }];

const env = harness();
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  // the server's year, with its quotas open and the demo's permit of that year
  const years = await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD));
  await demoPermitThisYear(env.kapka, years, await env.kapka.login('carrier', DEMO_PASSWORD));
});
after(() => env.stop());

// Count what crosses the wire (bytes as received, headers included) on a throttled link.
async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 40, downloadThroughput: 50 * 1024, uploadThroughput: 50 * 1024,
  });
  const t = { requests: 0, bytes: 0, paths: [] };
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, new URL(e.response.url).pathname));
  cdp.on('Network.loadingFinished', (e) => {
    t.requests++;
    t.bytes += e.encodedDataLength;
    t.paths.push(urls.get(e.requestId));
  });
  return t;
}

test('cold load at 50 KB/s: only the first page\'s modules, compressed; a page opened later brings its own', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
  const t = await throttled(context, page);
  const started = Date.now();
  await page.goto('/#/login');
  await onPage(page, 'login');
  const cold = { requests: t.requests, bytes: t.bytes, ms: Date.now() - started };
  console.log(`# cold load of the sign-in page at 50 KB/s: ${cold.requests} requests, ${cold.bytes} bytes, ${cold.ms} ms`);
  const pages = t.paths.filter((p) => p?.startsWith('/js/pages/') && p !== '/js/pages/index.js');
  assert.deepEqual(pages, ['/js/pages/login.js'], 'only the sign-in page\'s module');
  assert.ok(cold.requests <= 20, JSON.stringify(cold));
  assert.ok(cold.bytes < 90 * 1024, JSON.stringify(cold));
  assert.equal(t.paths.filter((p) => p?.startsWith('/i18n/')).length, 1, 'one catalogue');

  // signing in brings the home page; opening a ministry page brings that page's module
  await signInAs(page, 'ministry');
  await visit(page, 'quotas');
  assert.ok(t.paths.includes('/js/pages/quotas.js'));
  assert.ok(!t.paths.includes('/js/pages/tips.js'), 'a page not opened is not loaded');
  assert.deepEqual(problems, []);
  await context.close();
});

test('accounts: the server searches and pages; the count and the pager in every language at both sizes', async () => {
  const admin = await env.kapka.login('admin', ADMIN_PASSWORD);
  const prefix = `pg${process.pid % 1000}x`;
  for (let i = 0; i < 27; i++) {
    const r = await env.kapka.req('POST', '/api/v1/users', { token: admin, body: {
      username: `${prefix}${String(i).padStart(2, '0')}`, password: 'a long enough password', role: 'auditor' } });
    assert.equal(r.status, 201, r.text);
  }
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'admin', ADMIN_PASSWORD);
  await visit(page, 'users');
  const main = page.locator('#main');
  await main.locator('.filter-form input[name="q"]').fill(prefix.toUpperCase());
  await main.locator('.filter-form button[type="submit"]').click();
  await main.locator('.list-count[data-total="27"]').waitFor();
  assert.equal(await main.locator('tbody tr').count(), 25);
  assert.equal(await main.locator('.list-count').innerText(), '1–25 of 27');
  assert.equal((await main.locator('.pager').innerText()).trim().replace(/\s+/g, ' '), '1–25 of 27 Next');
  await main.getByRole('button', { name: 'Next' }).click();
  await main.locator(`tr[data-user="${prefix}26"]`).waitFor();
  assert.equal(await main.locator('tbody tr').count(), 2);
  assert.equal(await main.locator('.list-count').innerText(), '26–27 of 27');
  await main.getByRole('button', { name: 'Previous' }).click();
  await main.locator(`tr[data-user="${prefix}00"]`).waitFor();
  // the role filter goes to the server too: no officer has this name
  await main.locator('.filter-form select[name="role"]').selectOption('officer');
  await main.locator('.filter-form button[type="submit"]').click();
  await main.locator('.list-count[data-total="0"]').waitFor();
  await main.getByText('Nothing matches.').waitFor();
  await main.locator('.filter-form select[name="role"]').selectOption('auditor');
  await main.locator('.filter-form button[type="submit"]').click();
  await main.locator('.list-count[data-total="27"]').waitFor();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await noSideways(page, `users ${lang} ${size.width}`);
      await shot(page, `users-list-${lang}-${size.width}`, SHOTS);
    }
  }
  assert.equal(await main.locator('.list-count').innerText(), '1–25 of 27');
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'users-list-print', SHOTS);
  assert.equal(await page.locator('.filter-form').isVisible(), false, 'no search form on paper');
  assert.equal(await page.locator('nav.nav').isVisible(), false, 'no menu on paper');
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('trends: the ministry\'s charts with their tables, in every language at both sizes; printed to PDF', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[1]);
  await signInAs(page, 'ministry');
  await visit(page, 'trends');
  const main = page.locator('#main');
  for (const id of ['chart-permits', 'chart-quota', 'chart-crossings', 'chart-waits', 'chart-window']) {
    await main.locator(`#${id} svg[role="img"]`).waitFor();
  }
  // the demo has a permit issued this year: its month has a bar, and the table says so
  const permits = main.locator('#chart-permits');
  assert.ok(Number(await permits.getAttribute('data-series')) >= 1);
  assert.ok(await permits.locator('rect').count() >= 1);
  assert.match(await permits.locator('svg').getAttribute('aria-label'), /^Permits issued per month\. .+: \d+/);
  await permits.locator('summary').click();
  assert.equal(await permits.locator('tbody tr').count(), 12);
  // thirty days of crossings at the first checkpoint, each a row
  await main.locator('#chart-crossings summary').click();
  assert.equal(await main.locator('#chart-crossings tbody tr').count(), 30);
  // by partner: the legend names countries
  await main.locator('select[name="by"]').selectOption('partner');
  await onPage(page, 'trends');
  await page.waitForURL(/by=partner/);
  await main.locator('#chart-permits .chart-legend li').first().waitFor();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await noSideways(page, `trends ${lang} ${size.width}`);
      await shot(page, `trends-${lang}-${size.width}`, SHOTS);
    }
  }
  // the language change drew the charts again: the titles are Russian after switching to ru
  await setLanguage(page, 'ru');
  assert.match(await main.locator('#chart-permits h2').innerText(), /Выдано разрешений по месяцам/);
  assert.match(await main.locator('#chart-permits svg').getAttribute('aria-label'), /^Выдано разрешений по месяцам/);
  await setLanguage(page, 'en');
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'trends-print', SHOTS);
  mkdirSync(SHOTS, { recursive: true });
  const pdf = await page.pdf({ path: join(SHOTS, 'trends.pdf'), format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal(await page.locator('.filters').first().isVisible(), false, 'no pickers on paper');
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('help: a short help under the heading of each traveller page, closed until opened, in every language', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'traveller');
  const want = {
    stay: { en: /both days count/, ru: /оба дня считаются/, ky: /эки күн тең эсептелет/ },
    zones: { en: /border-zone permit/, ru: /разрешением на пограничную зону/, ky: /чек ара зонасына уруксат/ },
    booking: { en: /check in at the waiting zone/, ru: /зоне ожидания/, ky: /күтүү аймагында/ },
    tips: { en: /temporary import/, ru: /временно ввезённым/, ky: /убактылуу ташылып/ },
    checkpoints: { en: /nearest open crossing/, ru: /ближайший открытый/, ky: /эң жакын ачык/ },
  };
  for (const [name, texts] of Object.entries(want)) {
    await visit(page, name);
    const help = page.locator(`#main details.help[data-help="${name}"]`);
    await help.waitFor();
    assert.equal(await help.getAttribute('open'), null, `${name}: closed at first`);
    // right under the heading (and its lead), before the page's own content
    assert.equal(await page.locator('#main h1 ~ details.help').count(), 1, name);
    await help.locator('summary').click();
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      assert.match(await help.locator('p').innerText(), texts[lang], `${name} ${lang}`);
    }
    await setLanguage(page, 'en');
    if (name === 'stay') {
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await noSideways(page, `help ${size.width}`);
        await shot(page, `help-stay-${size.width}`, SHOTS);
      }
      await page.setViewportSize(SIZES[0]);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await help.isVisible(), false, 'no help on paper');
      await page.emulateMedia({ media: 'screen' });
    }
  }
  // pages without help have none
  await visit(page, 'window');
  // (the single window lists the traveller's own applications through the same paged list)
  await page.locator('#main .paged-list[data-path="/api/v1/window/applications"] .list-count').waitFor();
  assert.equal(await page.locator('#main details.help').count(), 0);
  // (the checkpoint map's tiles come from outside, unreachable here; the page draws its own outline)
  assert.deepEqual(problems.filter((p) => !p.includes('tile.openstreetmap.org')), []);
  await context.close();
});
