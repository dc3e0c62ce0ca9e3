// permits-trip.test.mjs: the carrier gives the trip's countries and the trailer's plate
// when applying, and the issued permit shows them; the form reads in Kyrgyz, Russian and
// English, and a trip that does not fit the permit type is refused next to the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, signInAs, overflow } from './helpers.mjs';
import { intoTheNewYear } from '../lib/years.mjs';
import { DEMO_PASSWORD } from './helpers.mjs';

const env = harness();
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  // the server's year, with its quotas open (tests/lib/years.mjs)
  await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD));
});
after(() => env.stop());

const LABELS = {
  en: ['Departure country', 'Arrival country', 'Trailer plate'],
  ru: ['Страна отправления', 'Страна назначения', 'Номер прицепа'],
  ky: ['Жөнөгөн өлкө', 'Баруучу өлкө', 'Чиркегичтин номери'],
};

test('apply with departure, arrival and a trailer; the permit shows the trip', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'carrier');
  await page.goto('/#/apply');
  await onPage(page, 'apply');
  // no quota for next year in the demo: no year to choose, whatever the month
  assert.equal(await page.locator('select[name="year"]').count(), 0);
  // A bilateral permit to Uzbekistan for a trip to Kazakhstan: refused next to the field.
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Uzbekistan' });
  await page.getByLabel('Permit type').selectOption({ label: 'Bilateral' });
  const vehicle = page.getByLabel('Vehicle', { exact: true });
  await vehicle.selectOption({ index: 2 }); // the demo's second truck (the first holds a UZ permit)
  await page.getByLabel('Departure country (optional)').selectOption('KG');
  await page.getByLabel('Arrival country (optional)').selectOption('KZ');
  await page.getByLabel('Trailer plate (optional)').fill('01 kg 555 abc');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('.field[data-name="arrival_country"] .field-error:visible').waitFor();
  await page.getByLabel('Arrival country (optional)').selectOption('UZ');
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/permit-applications') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const answer = await applied;
  assert.equal(answer.status(), 201, await answer.text());
  const sent = answer.request().postDataJSON();
  assert.equal(sent.departure_country, 'KG');
  assert.equal(sent.arrival_country, 'UZ');
  const doc = page.locator('.permit-doc');
  await doc.waitFor();
  const text = await doc.innerText();
  for (const want of ['Trailer plate', '01KG555ABC', 'Trip', 'Kyrgyzstan → Uzbekistan']) {
    assert.ok(text.includes(want), `the permit shows ${want}:\n${text}`);
  }
  await shot(page, 'permits-trip-01-issued');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const lang of ['ky', 'ru', 'en']) {
  test(`the trip fields in ${lang} fit a 390 px phone`, async () => {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
    await signInAs(page, 'carrier');
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await page.goto('/#/apply');
    await onPage(page, 'apply');
    for (const label of LABELS[lang]) {
      await page.locator('label', { hasText: label }).first().waitFor();
    }
    assert.equal((await overflow(page)).extra, 0);
    await shot(page, `permits-trip-02-form-${lang}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// A server and a page whose clocks read 10 December 2026: next year's permit can be chosen.
test('in December the carrier chooses next year; a departure in the past is refused in words (ky, ru, en)', async () => {
  const DEC10 = '2026-12-10T09:00:00+06:00';
  const { startKapka } = await import('./helpers.mjs');
  const k = await startKapka({ demo: true, now: DEC10 });
  try {
    const ministry = await k.login('ministry', 'kapka-demo-2026');
    const q = await k.req('POST', '/api/v1/quotas', { token: ministry,
      body: { direction: 'outbound', partner: 'UZ', year: 2027, type: 1, start_number: 1, end_number: 5 } });
    assert.equal(q.status, 201, q.text);
    const { page, context, problems } = await openPage(env.browser, k.url);
    await context.clock.install({ time: new Date(DEC10) });
    await context.clock.resume();
    await signInAs(page, 'carrier');
    await page.goto('/#/apply');
    await onPage(page, 'apply');
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Uzbekistan' });
    const year = page.getByLabel('Permit year');
    assert.deepEqual(await year.locator('option').allInnerTexts(), ['2026', '2027']);
    await year.selectOption('2027');
    await page.getByLabel('Vehicle', { exact: true }).selectOption({ index: 2 });
    await page.getByLabel('Departure date (optional)').fill('2026-12-09');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const refused = page.locator('.decision-bad');
    await refused.waitFor();
    const words = {
      en: ['The departure date is in the past.', "The departure date is before the permit's year begins."],
      ru: ['Дата отправления уже прошла.', 'Дата отправления раньше начала года разрешения.'],
      ky: ['Жөнөө күнү өтүп кеткен.', 'Жөнөө күнү уруксаттын жылы башталганга чейин.'],
    };
    for (const lang of ['en', 'ru', 'ky']) {
      await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
      await page.locator(`html[lang="${lang}"]`).waitFor();
      assert.deepEqual(await refused.locator('li').allInnerTexts(), words[lang]);
    }
    await shot(page, 'permits-trip-03-refused-ky');
    await page.locator('.lang-switch [data-lang="en"]').click();
    await page.getByLabel('Departure date (optional)').fill('2027-01-05');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.locator('.permit-doc[data-permit="KG-UZ-2027-1-1"]').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await k.stop();
  }
});

test('a TRACECA multilateral permit, applied for in Kyrgyz', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
  await signInAs(page, 'carrier');
  await page.locator('.lang-switch [data-lang="ky"]').click();
  await page.locator('html[lang="ky"]').waitFor();
  await page.goto('/#/apply');
  await onPage(page, 'apply');
  const partner = page.locator('select[name="partner"]');
  const label = await partner.locator('option[value="TRACECA"]').innerText();
  assert.equal(label, 'TRACECA (көп тараптуу уруксаттар)');
  await partner.selectOption('TRACECA');
  await page.locator('select[name="type"]').selectOption('7');
  await page.locator('select[name="vehicle_id"]').selectOption({ index: 1 });
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/permit-applications') && r.request().method() === 'POST');
  await page.locator('form button[type="submit"]').click();
  const answer = await applied;
  assert.equal(answer.status(), 201, await answer.text());
  const doc = page.locator('.permit-doc');
  await doc.waitFor();
  assert.match(await doc.getAttribute('data-permit'), /^KG-TRACECA-\d{4}-7-\d+$/);
  assert.ok((await doc.innerText()).includes('TRACECA (көп тараптуу уруксаттар)'));
  await shot(page, 'permits-trip-04-traceca-ky');
  assert.deepEqual(problems, []);
  await context.close();
});
