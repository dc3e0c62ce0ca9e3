// errors.test.mjs: what the user sees when things go wrong: a bad INN (caught in the page,
// and caught by the server), a wrong password, and the wait after too many of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, unique, companyInn, registerCarrier, signIn } from './helpers.mjs';

const env = harness();
before(() => env.start({ servers: {
  kapka: {},
  // quick to throttle, and the first wait is already the longest (login_delay_seconds)
  strict: { env: { KAPKA_LOGIN_MAX_FAILURES: '2', KAPKA_LOGIN_DELAY_SECONDS: '300', KAPKA_LOGIN_LOCK_SECONDS: '300' } },
} }));
after(() => env.stop());

const carrier = () => ({
  company: 'Нарын Логистик', inn: companyInn(), address: 'Нарын ш., Ленин көч., 5', licence: 'AT-777001',
  contact: 'Эрлан Садыков', phone: '+996 700 987654', email: 'office@naryn-log.kg', username: unique('naryn'),
  password: 'correct horse battery',
});

// A carrier account made through the API, for the sign-in tests.
async function apiCarrier(server) {
  const c = carrier();
  const r = await server.req('POST', '/api/v1/carriers', { body: {
    company_name: c.company, inn: c.inn, address: c.address, contact_name: c.contact, contact_phone: c.phone,
    licence_number: c.licence, username: c.username, password: c.password } });
  assert.equal(r.status, 201, r.text);
  return c;
}

function fieldError(page, label) {
  return page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
}

test('registration: an INN that is not 14 digits is marked before anything is sent', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  let posted = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/carriers')) posted++; });
  await registerCarrier(page, { ...carrier(), inn: '0123456789012' });
  await page.getByRole('alert').filter({ hasText: 'Please correct the marked fields.' }).waitFor();
  assert.equal(await fieldError(page, 'INN (taxpayer identification number)').innerText(), 'Must be exactly 14 digits.');
  assert.equal(await page.getByLabel('INN (taxpayer identification number)').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.field-error:visible').count(), 1, 'only the INN is wrong');
  assert.equal(posted, 0);
  await shot(page, 'errors-01-inn-13-digits');
  assert.deepEqual(problems, []);
  await context.close();
});

test('registration: the server\'s problem with an INN is shown next to it, in the chosen language', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  const c = { ...carrier(), inn: '91234567890123' }; // 14 digits, but no INN starts with 9
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/carriers'));
  await registerCarrier(page, c);
  const r = await answer;
  assert.equal(r.status(), 422);
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'Please correct the marked fields.' }).waitFor();
  const inn = fieldError(page, 'INN (taxpayer identification number)');
  assert.equal(await inn.innerText(), 'Must start with 0 (organisation), or 1 or 2 (individual).');
  assert.ok((await alert.innerText()).includes('INN (taxpayer identification number): Must start with 0'));
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'alert',
    'focus moves to the error summary');
  await shot(page, 'errors-02-inn-server-en');

  // What was typed stays, and the problem is re-worded in Kyrgyz and Russian.
  await page.getByRole('button', { name: 'Кыргызча' }).click();
  await page.locator('html[lang="ky"]').waitFor();
  assert.equal(await page.getByRole('alert').locator('.error-message').innerText(), 'Белгиленген талааларды оңдоңуз.');
  assert.equal(await page.locator('.field-error:visible').innerText(), '0 (уюм), 1 же 2 (жеке адам) менен башталышы керек.');
  assert.equal(await page.locator('input[name="inn"]').inputValue(), c.inn);
  await shot(page, 'errors-03-inn-server-ky');
  await page.getByRole('button', { name: 'Русский' }).click();
  await page.locator('html[lang="ru"]').waitFor();
  assert.equal(await page.locator('.field-error:visible').innerText(),
    'Должен начинаться с 0 (организация), 1 или 2 (физическое лицо).');
  await shot(page, 'errors-04-inn-server-ru');

  // Corrected, it goes through.
  await page.locator('input[name="inn"]').fill(companyInn());
  await page.getByRole('button', { name: 'Создать учётную запись' }).click();
  await onPage(page, 'login');
  await page.getByRole('status').filter({ hasText: 'Учётная запись создана.' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('registration: a username that is taken is said so at the username', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  const existing = await apiCarrier(env.kapka);
  await registerCarrier(page, { ...carrier(), username: existing.username });
  await page.getByRole('alert').filter({ hasText: 'This username is already taken.' }).waitFor();
  assert.equal(await fieldError(page, 'Username').innerText(), 'This username is already taken.');
  await shot(page, 'errors-05-username-taken');
  assert.deepEqual(problems, []);
  await context.close();
});

test('sign-in: a wrong password is refused with a message', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  const c = await apiCarrier(env.kapka);
  await page.goto('/#/login');
  await onPage(page, 'login');
  await signIn(page, c.username, 'not the password');
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'Wrong username or password.' }).waitFor();
  assert.equal(await page.locator('main .view').getAttribute('data-page'), 'login');
  assert.equal((await page.context().cookies()).some((k) => k.name === 'kapka_session'), false);
  await shot(page, 'errors-06-wrong-password');

  // The right one still works afterwards.
  await signIn(page, c.username, c.password);
  await onPage(page, 'home');
  assert.deepEqual(problems, []);
  await context.close();
});

test('sign-in: after too many wrong passwords the wait is shown', async () => {
  const { page, context, problems } = await openPage(env.browser, env.strict.url);
  const c = await apiCarrier(env.strict);
  await page.goto('/#/login');
  await onPage(page, 'login');
  const alert = page.getByRole('alert');
  let status;
  for (let i = 0; i < 5 && status !== 429; i++) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await signIn(page, c.username, `wrong password ${i}`);
    status = (await answer).status();
  }
  assert.equal(status, 429);
  await alert.filter({ hasText: /Too many failed sign-ins\. Try again in 5 minutes\./ }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).isDisabled(), true);
  await shot(page, 'errors-07-throttled');
  await page.getByRole('button', { name: 'Русский' }).click();
  await alert.filter({ hasText: 'Слишком много неудачных попыток входа. Повторите через 5 минут.' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
