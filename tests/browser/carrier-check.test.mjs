// carrier-check.test.mjs: a carrier that has just registered is told on the apply page what
// the ministry still has to check (in Kyrgyz, Russian and English); the ministry ticks the
// licence and INN checks on the carriers page; then the carrier gets its permit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, unique, companyInn, registerCarrier, signIn, signInAs, fill } from './helpers.mjs';
import { intoTheNewYear } from '../lib/years.mjs';
import { DEMO_PASSWORD } from './helpers.mjs';

const env = harness();
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  // the server's year, with its quotas open (tests/lib/years.mjs)
  await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD));
});
after(() => env.stop());

const PENDING = {
  en: ['your carrier licence (in the register)', 'your INN (in the tax register)'],
  ru: ['лицензия перевозчика (по реестру)', 'ИНН (по налоговому реестру)'],
  ky: ['ташуучунун лицензиясы (реестр боюнча)', 'ИСН (салык реестри боюнча)'],
};

test('a new carrier waits for the ministry, which verifies it; then it gets a permit', async () => {
  const c = {
    company: 'Нарын Логистик', inn: companyInn(), address: 'Нарын ш., Ленин к., 5', licence: 'NL-310554',
    contact: 'Бакыт Асанов', phone: '+996 555 654321', email: 'naryn@example.kg', username: unique('naryn'),
    password: 'long enough password',
  };
  const carrier = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
  const { page } = carrier;
  await registerCarrier(page, c);
  await onPage(page, 'login');
  await fill(page, 'Password', c.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await onPage(page, 'home');
  const token = await env.kapka.login(c.username, c.password);
  const v = await env.kapka.req('POST', '/api/v1/vehicles', { token,
    body: { plate: '05 KG 310 NLG', vin: 'WMA13XZZ7PM007777', kind: 'tractor', euro_class: 6 } });
  assert.equal(v.status, 201, v.text);

  await page.goto('/#/apply');
  await onPage(page, 'apply');
  const notice = page.locator('.carrier-check[data-status="pending"]');
  for (const lang of ['ky', 'ru', 'en']) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    assert.deepEqual(await notice.locator('li').allInnerTexts(), PENDING[lang]);
    await shot(page, `carrier-check-01-pending-${lang}`);
  }

  // The ministry: the carrier waits on the carriers page; verifying needs both boxes.
  const ministry = await openPage(env.browser, env.kapka.url, { width: 1280 });
  await signInAs(ministry.page, 'ministry');
  await ministry.page.goto('/#/carriers');
  await onPage(ministry.page, 'carriers');
  const card = ministry.page.locator('li.carrier-check', { hasText: c.company });
  await card.waitFor();
  assert.ok((await card.innerText()).includes(c.licence));
  await card.getByLabel('Licence checked in the register').check();
  await card.getByRole('button', { name: 'Verify' }).click();
  await card.locator('.field[data-name="inn_checked"] .field-error:visible').waitFor();
  await card.getByLabel('INN checked in the tax register').check();
  await card.getByRole('button', { name: 'Verify' }).click();
  await ministry.page.locator('#main').getByText(`${c.company} is verified and may now get permits.`).waitFor();
  assert.equal(await ministry.page.locator('li.carrier-check').count(), 0);
  await shot(ministry.page, 'carrier-check-02-verified');

  // The carrier: no notice any more, and the permit is issued.
  await page.reload();
  await onPage(page, 'apply');
  assert.equal(await page.locator('.carrier-check').count(), 0);
  await page.getByLabel('Country', { exact: true }).selectOption('UZ');
  await page.getByLabel('Vehicle', { exact: true }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('.decision-ok').waitFor();
  assert.deepEqual(carrier.problems, []);
  assert.deepEqual(ministry.problems, []);
  await carrier.context.close();
  await ministry.context.close();
});
