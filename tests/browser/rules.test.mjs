// rules.test.mjs: issue 17 items 10 and 15 and issue 13's rules page in a real browser, in
// Kyrgyz, Russian and English, at 390 px and 1280 px: the stay calculator's nationality is
// picked by the country's name in the page's language (Germany is Germany, not Georgia) and
// the answer says the rule in words with its source (no raw "reentry 60", no literal "X
// days used"); the rules page lists stay rules, holidays and rates with their sources; the
// slot form takes no past date. Screenshots are kept as artefacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, signInAs, visit, overflow } from './helpers.mjs';
import { localDate } from '../lib/kapka.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

const LANGS = [
  { code: 'en', button: 'English', germany: 'Germany', rolling: /30 days in any 60 days/, source: /Source:/ },
  { code: 'ru', button: 'Русский', germany: 'Германия', rolling: /30 дней в любые 60 дней/, source: /Источник:/ },
  { code: 'ky', button: 'Кыргызча', germany: null, rolling: /каалаган 60 күндө 30 күн/, source: /Булак:/ },
];

for (const width of [390, 1280]) {
  test(`stay calculator and rules page in ky, ru and en at ${width} px`, async () => {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width, height: 900 });
    await signInAs(page, 'traveller');
    for (const L of LANGS) {
      await visit(page, 'stay');
      await page.getByRole('button', { name: L.button }).click();
      await page.locator(`html[lang="${L.code}"]`).waitFor();
      const pick = page.locator('select[name="nationality"]');
      const de = pick.locator('option[value="DE"]');
      const name = (await de.innerText()).trim();
      if (L.germany) assert.equal(name, L.germany, `${L.code}: Germany by its name`);
      assert.notEqual(name, 'DE');
      await pick.selectOption('DE');
      await page.locator('input[name="planned_entry"]').fill('2026-05-01');
      await page.locator('form button[type="submit"]').first().click();
      const verdict = page.locator('.verdict[data-rule="ROLLING_WINDOW"]');
      await verdict.waitFor();
      const text = await page.locator('.verdict').innerText();
      assert.match(text, L.rolling, `${L.code}: the rule in words`);
      assert.match(text, L.source);
      assert.match(text, /No\. 855/);
      assert.doesNotMatch(text, /reentry|rolling 30|X days/);
      assert.deepEqual((await overflow(page)).wide, [], `${L.code} at ${width}px: nothing wider than the screen`);
      await shot(page, `rules-stay-${L.code}-${width}`);

      await visit(page, 'rules');
      await page.locator('tr[data-nationality="DE"][data-from="2025-12-31"]').waitFor();
      // The holidays of this year in Kyrgyzstan (the server's), then of 2026, whose
      // registry is known: Spring Festival 15 February 2026.
      const holidays = page.locator('section[aria-labelledby="rules-hol"]');
      assert.equal(await holidays.locator('a[aria-current="page"]').innerText(), localDate(0).slice(0, 4));
      await holidays.locator('a[href="#/rules?year=2026"]').click();
      await holidays.locator('a[aria-current="page"][href="#/rules?year=2026"]').waitFor();
      await page.locator('tr[data-country="CN"][data-month="2"][data-day="15"]').first().waitFor();
      assert.ok(await page.locator('tr[data-country="CN"][data-month="2"][data-day="15"]').count() >= 1, 'Spring Festival 15 February 2026');
      await shot(page, `rules-page-${L.code}-${width}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the ministry opens booking hours only from today: the date field refuses past days', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 900 });
  await signInAs(page, 'ministry');
  await visit(page, 'checkpoints/dostyk');
  const date = page.locator('section[aria-labelledby="cpadmin-slots"] input[name="date"]');
  await date.waitFor();
  const min = await date.getAttribute('min');
  assert.equal(min, localDate(0), 'today in Kyrgyzstan on the suite\'s clock');
  await shot(page, 'rules-slots-min-date');
  // the open season from a later day, with its source: kept until then
  await visit(page, 'checkpoints/karkyra');
  const season = page.locator('section[aria-labelledby="cpadmin-season"] form');
  await season.locator('input[name="season_from"]').fill('05-01');
  await season.locator('input[name="season_to"]').fill('10-31');
  await season.locator('input[name="effective_from"]').fill('2030-01-01');
  await season.locator('input[name="source"]').fill('Border Service notice (test)');
  await season.getByRole('button', { name: 'Set the season' }).click();
  await page.getByRole('status').filter({ hasText: 'in force from 2030-01-01' }).waitFor();
  const pending = await env.kapka.req('GET', '/api/v1/rule-changes?checkpoint=karkyra');
  // (the list holds every change of the crossing; ours is the one with this source)
  const ours = pending.json.items.find((x) => x.source === 'Border Service notice (test)');
  assert.ok(ours, JSON.stringify(pending.json));
  assert.equal(ours.applied_at, null);
  assert.deepEqual(ours.change, { from: '05-01', to: '10-31' });
  await shot(page, 'rules-season-pending');
  assert.deepEqual(problems, []);
  await context.close();
});
