// permits-register.test.mjs: the ministry's permit pages. It issues a permit itself (a
// paper permit made digital) with trailer, trip, expiry and other claims, then finds it in
// the paged search by its trailer plate; the search pages through many permits, keeps its
// filters in the address, and reads in Kyrgyz and Russian on a 390 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, signInAs, overflow, DEMO_PASSWORD } from './helpers.mjs';
import { intoTheNewYear } from '../lib/years.mjs';

const env = harness();
let YEAR; // the server's year, with that year's quotas open (tests/lib/years.mjs)
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  ({ year: YEAR } = await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD)));
});
after(() => env.stop());

test('the ministry issues a paper permit digitally and finds it by its trailer plate', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 1280 });
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  const q = await env.kapka.req('POST', '/api/v1/quotas', { token: ministry,
    body: { direction: 'outbound', partner: 'TR', year: YEAR, type: 2, start_number: 100, end_number: 199 } });
  assert.equal(q.status, 201, q.text);
  await signInAs(page, 'ministry');
  await page.getByRole('navigation').getByRole('link', { name: 'Issue a permit' }).click();
  await onPage(page, 'permit-issue');
  await page.getByLabel('Country', { exact: true }).selectOption('TR');
  await page.getByLabel('Permit type').selectOption('2');
  await page.getByLabel('Last day of validity (optional)').fill(`${YEAR + 1}-03-31`);
  await page.getByLabel('Company name', { exact: true }).fill('Osh Cargo LLC');
  await page.getByLabel('INN (taxpayer identification number)').fill('01507201910999');
  await page.getByLabel('Plate number', { exact: true }).fill('01 KG 321 ABC');
  await page.getByLabel('Trailer plate (optional)').fill('01 KG 555 TRL');
  await page.getByLabel('Departure country (optional)').selectOption('KG');
  await page.getByLabel('Arrival country (optional)').selectOption('GE');
  await page.getByLabel('Other claims (optional)').fill('paper permit = TR-004512\nbroken line');
  await page.getByRole('button', { name: 'Issue the permit' }).click();
  await page.locator('.field[data-name="other_claims"] .field-error:visible').waitFor();
  await page.getByLabel('Other claims (optional)').fill('paper permit = TR-004512');
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/permits') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Issue the permit' }).click();
  const answer = await sent;
  assert.equal(answer.status(), 201, await answer.text());
  assert.deepEqual(answer.request().postDataJSON().other_claims, { 'paper permit': 'TR-004512' });
  const doc = page.locator(`.permit-doc[data-permit="KG-TR-${YEAR}-2-100"]`);
  await doc.waitFor();
  const text = await doc.innerText();
  for (const want of ['Osh Cargo LLC', '01KG321ABC', '01KG555TRL', 'Kyrgyzstan → Georgia', `March 31, ${YEAR + 1}`]) {
    assert.ok(text.includes(want), `the issued permit shows ${want}:\n${text}`);
  }
  await shot(page, 'permits-register-01-issued');

  await page.getByRole('navigation').getByRole('link', { name: 'Search permits' }).click();
  await onPage(page, 'permit-search');
  await page.getByLabel('Trailer plate').fill('01kg555trl');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/trailer_plate=01kg555trl/);
  // the page is rendered anew for the filtered address: wait for its answer
  await page.locator('.search-results [role="status"]', { hasText: '1 permits in all' }).waitFor();
  await page.locator(`tr[data-permit="KG-TR-${YEAR}-2-100"]`).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 1, (await page.locator('tbody tr').allInnerTexts()).join('\n'));
  assert.match(await page.locator('.search-results [role="status"]').innerText(), /Page 1 of 1 · 1 permits in all/);
  await shot(page, 'permits-register-02-found');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the search pages through many permits and keeps its filters in the address', async () => {
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  const q = await env.kapka.req('POST', '/api/v1/quotas', { token: ministry,
    body: { direction: 'outbound', partner: 'AZ', year: YEAR, type: 5, start_number: 1, end_number: 30 } });
  assert.equal(q.status, 201, q.text);
  for (let i = 0; i < 22; i++) {
    const r = await env.kapka.req('POST', '/api/v1/permits', { token: ministry,
      body: { partner: 'AZ', type: 5, plate: `01KG${String(i).padStart(3, '0')}AZB`, company_name: 'Batch', company_id: '1' } });
    assert.equal(r.status, 201, r.text);
  }
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 1280 });
  await signInAs(page, 'ministry');
  await page.goto('/#/permit-search?issued_for=AZ&type=5');
  await onPage(page, 'permit-search');
  assert.equal(await page.getByLabel('Valid for').inputValue(), 'AZ');
  await page.locator('tbody tr').first().waitFor();
  assert.equal(await page.locator('tbody tr').count(), 20);
  const first = await page.locator('tbody tr').first().getAttribute('data-permit');
  assert.equal(first, `KG-AZ-${YEAR}-5-22`, 'newest first');
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.waitForURL(/page=1/);
  await page.locator('.search-results [role="status"]', { hasText: 'Page 2 of 2' }).waitFor();
  await page.locator('tbody tr[data-permit$="-5-1"]').waitFor();
  assert.equal(await page.locator('tbody tr').count(), 2);
  assert.ok(await page.getByRole('button', { name: 'Next →' }).isDisabled());
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [lang, heading, none] of [['ky', 'Уруксаттарды издөө', 'Бул чыпкаларга дал келген уруксат жок.'],
  ['ru', 'Поиск разрешений', 'Разрешений с такими фильтрами нет.']]) {
  test(`the search in ${lang} on a 390 px phone`, async () => {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
    await signInAs(page, 'ministry');
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await page.goto('/#/permit-search?plate=ZZ0000ZZ');
    await onPage(page, 'permit-search');
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await page.locator('#main').getByText(none).waitFor();
    assert.equal((await overflow(page)).extra, 0);
    await shot(page, `permits-register-03-${lang}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
