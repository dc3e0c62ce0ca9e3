// travellers.test.mjs: the traveller's pages in a real browser at phone width: the demo
// traveller's border-zone permit, applying and recording a payment (the QR appears), the
// stay calculator with seed 001's second example and its calendar, the vehicle page with
// the ecotax due; the officer checks the demo permit against a passport at a post.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, signInAs, visit, fill, overflow } from './helpers.mjs';
import { localDate } from '../lib/kapka.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

const day = (n) => localDate(n); // in Kyrgyzstan, on the server's (the suite's) clock

test('traveller: zone permit, payment, stay calculator and vehicle, at 360 px', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360 });
  await signInAs(page, 'traveller');
  await visit(page, 'zones');
  const demo = page.locator('.permit-person[data-number="KG-BZ-000001"]');
  await demo.waitFor();
  assert.equal(await demo.getAttribute('data-status'), 'active');
  assert.equal(await demo.locator('img.qr').count(), 1);
  assert.deepEqual((await overflow(page)).wide, []);
  await shot(page, 'travellers-01-zones');

  await fill(page, 'Trip starts', day(5));
  await fill(page, 'Trip ends', day(12));
  await fill(page, 'Purpose of the trip', 'climbing Lenin peak');
  await page.locator('input[data-zone="4"]').check();
  await page.locator('input[data-place="trans-alai"]').check();
  await fill(page, 'Surname', 'Schmidt');
  await fill(page, 'Given names', 'Anna');
  await fill(page, 'Nationality', 'DE');
  await fill(page, 'Passport number', 'C01X00T47');
  await fill(page, 'Passport valid until', day(900));
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /received: 2,500 som to pay/ }).waitFor();
  const card = page.locator('.zone-app[data-status="awaiting_payment"]');
  await card.getByLabel('Payment reference').fill('BANK-42');
  await card.getByRole('button', { name: 'Record the payment' }).click();
  await page.locator('.zone-app[data-status="paid"] .permit-person[data-status="active"] img.qr').nth(1).waitFor();
  await shot(page, 'travellers-02-paid');

  // seed 001's example 2 on dates of 2024, when its rule was in force; France picked by name
  await visit(page, 'stay');
  await page.getByLabel('Nationality', { exact: true }).selectOption({ label: 'France' });
  await page.locator('input[name="entry_0"]').fill('2024-03-01');
  await page.locator('input[name="exit_0"]').fill('2024-03-20');
  await page.locator('input[name="planned_entry"]').fill('2024-04-10');
  await page.getByRole('button', { name: 'Calculate' }).click();
  const verdict = page.locator('.verdict[data-rule="WAIT_DAYS_USED"]');
  await verdict.waitFor();
  assert.match(await verdict.innerText(), /Visa-free stay allowed/);
  assert.match(await verdict.innerText(), /20 days used: at least 20 days outside, then 40 more days/);
  assert.doesNotMatch(await verdict.innerText(), /X days|reentry 60/);
  assert.equal(await page.locator('.cal-months .cal-day.cal-legal').count(), 40);
  assert.equal(await page.locator('.cal-months .cal-day.cal-past').count(), 20);
  assert.deepEqual((await overflow(page)).wide, []);
  await shot(page, 'travellers-03-stay');

  await visit(page, 'tips');
  const tip = page.locator('.tip[data-status="open"]');
  await tip.waitFor();
  assert.match(await tip.innerText(), /1,000 som/);
  await shot(page, 'travellers-04-tips');
  assert.deepEqual(problems, []);
  await context.close();
});

test('officer: checks the demo zone permit against a passport', async () => {
  const tok = await env.kapka.login('traveller', 'kapka-demo-2026');
  const p = await env.kapka.req('GET', '/api/v1/zone-permits/KG-BZ-000001', { token: tok });
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'officer');
  await visit(page, 'zone-check');
  await page.getByLabel('This post').selectOption({ label: '3. Kol-Suu lake' });
  await page.locator('textarea[name="qr"]').fill(p.json.qr);
  await fill(page, 'Number of the passport in hand', 'C01X00T47');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const v = page.locator('.verdict[data-valid="false"]');
  await v.waitFor();
  // the demo trip starts in a week
  assert.match(await v.innerText(), /The permit's validity has not started/);
  await shot(page, 'travellers-05-officer');
  assert.deepEqual(problems, []);
  await context.close();
});
