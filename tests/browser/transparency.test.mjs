// transparency.test.mjs: the public statistics page of the transparency log, signed out, on
// a 390 px phone, in Kyrgyz, Russian and English: the figures are recomputed in the browser
// from the log's tiles (the root matches the signed checkpoint), the permits issued show
// under their partner, the refusals under their reason, and the CSV holds every figure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, onPage, overflow, shot } from './helpers.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

test('anyone sees permits per partner, refusals by reason and a CSV, recomputed from the tiles', async () => {
  const { kapka } = env;
  const { page, problems } = await openPage(env.browser, kapka.url, { width: 390, height: 844 });
  await page.goto('/#/transparency');
  await onPage(page, 'transparency');
  const status = page.locator('[data-root]');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-root'), 'ok');
  const info = (await kapka.req('GET', '/api/v1/transparency')).json;
  // the demo issued a permit to Uzbekistan: it is counted under UZ
  const row = page.locator('section[aria-labelledby="tr-partner"] tr[data-key="UZ"] td');
  assert.ok(Number((await row.textContent()).replace(/\D/g, '')) >= 1);
  for (const [lang, title] of [['ky', 'Уруксаттардын'], ['ru', 'Публичный реестр'], ['en', 'Public record']]) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.waitForFunction(([t]) => document.querySelector('main h1')?.textContent.includes(t), [title]);
  }
  const o = await overflow(page);
  assert.ok(o.extra <= 0 && o.wide.length === 0, `wider than the phone: ${JSON.stringify(o)}`);
  const href = await page.locator('a[data-csv="transparency"]').getAttribute('href');
  assert.ok(href.startsWith('data:text/csv;charset=utf-8,'), href.slice(0, 40));
  const text = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  assert.match(text, /^statistic,key,value\n/);
  assert.match(text, /\npermits_by_partner,UZ,\d+\n/);
  assert.ok(info.size >= 1);
  await shot(page, 'transparency-phone');
  assert.deepEqual(problems, []);
});
