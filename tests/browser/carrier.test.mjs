// carrier.test.mjs: a carrier company signs up, signs in, sees its organisation, reads the
// home page in Kyrgyz, Russian and English, and signs out for good.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, unique, companyInn, registerCarrier, fill } from './helpers.mjs';

const env = harness();
before(() => env.start());
after(() => env.stop());

test('carrier: sign up, sign in, own organisation, three languages, sign out', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  const c = {
    company: 'Ала-Тоо Транс ЖЧК', inn: companyInn(), address: 'Бишкек ш., Чүй пр., 100',
    licence: 'AT-204517', contact: 'Айнура Токтогулова', phone: '+996 555 123456',
    email: 'dispatch@alatoo-trans.kg', username: unique('alatoo'), password: 'long enough password',
  };

  // Sign up: the carrier form, then on to sign-in with the username filled in.
  await registerCarrier(page, c, { screenshot: 'carrier-01-register-form' });
  await onPage(page, 'login');
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Your account has been created.' }).waitFor());
  assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), c.username);
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'password', 'the cursor waits in Password');
  await shot(page, 'carrier-02-login-after-register');

  // Sign in.
  await fill(page, 'Password', c.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await onPage(page, 'home');
  const main = page.locator('main');
  assert.equal(await main.locator('h1').innerText(), `Welcome, ${c.contact}`);
  const org = main.locator('section[data-organisation]');
  await org.waitFor();
  const orgText = await org.innerText();
  for (const want of [c.company, c.inn, c.address, c.licence, c.contact, c.phone, c.email, 'Carrier', 'Active']) {
    assert.ok(orgText.includes(want), `organisation card shows ${want}:\n${orgText}`);
  }
  assert.ok((await main.innerText()).includes(c.username));
  assert.equal(await page.title(), 'Home · Kapka');
  await shot(page, 'carrier-03-home-en');

  // The session lives in an HttpOnly cookie only: nothing token-like in web storage.
  const cookies = await context.cookies();
  const session = cookies.find((k) => k.name === 'kapka_session');
  assert.ok(session?.httpOnly, 'HttpOnly session cookie');
  assert.equal(session.sameSite, 'Strict');
  const stored = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }));
  assert.deepEqual(Object.keys(stored.session), []);
  assert.ok(Object.keys(stored.local).every((key) => key === 'kapka.lang'), JSON.stringify(stored));
  assert.ok(!JSON.stringify(stored).includes(session.value));

  // Kyrgyz.
  await page.getByRole('button', { name: 'Кыргызча' }).click();
  await page.locator('html[lang="ky"]').waitFor();
  assert.equal(await main.locator('h1').innerText(), `Кош келиңиз, ${c.contact}`);
  assert.equal(await org.locator('h2').innerText(), 'Сиздин уюмуңуз');
  assert.ok((await org.innerText()).includes('Ташуучу'));
  assert.match(await org.innerText(), /\d{4}-жылдын \d{1,2}-[а-яү]+/, 'dates in Kyrgyz too');
  assert.equal(await page.getByRole('navigation').getByRole('link').first().innerText(), 'Башкы бет');
  assert.equal(await page.getByRole('button', { name: 'Чыгуу' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Кыргызча' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.title(), 'Башкы бет · Капка');
  await shot(page, 'carrier-04-home-ky');

  // Russian, kept across a reload.
  await page.getByRole('button', { name: 'Русский' }).click();
  await page.locator('html[lang="ru"]').waitFor();
  assert.equal(await main.locator('h1').innerText(), `Добро пожаловать, ${c.contact}`);
  assert.equal(await org.locator('h2').innerText(), 'Ваша организация');
  assert.ok((await org.innerText()).includes('Перевозчик'));
  assert.match(await org.innerText(), /\d{1,2} [а-я]+ \d{4} г\./);
  await page.reload();
  await onPage(page, 'home');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  assert.equal(await main.locator('h1').innerText(), `Добро пожаловать, ${c.contact}`);
  await shot(page, 'carrier-05-home-ru');

  // And back to English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang="en"]').waitFor();
  assert.equal(await main.locator('h1').innerText(), `Welcome, ${c.contact}`);

  // Sign out: back to sign-in, the cookie is gone, and so is the session on the server.
  const signOut = page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE');
  await page.getByRole('button', { name: 'Sign out' }).click();
  const csrf = cookies.find((k) => k.name === 'kapka_csrf')?.value;
  assert.ok(csrf);
  assert.equal((await signOut).headers()['x-csrf-token'], csrf, 'sign-out carries the CSRF token');
  await onPage(page, 'login');
  await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
  assert.equal((await context.cookies()).some((k) => k.name === 'kapka_session'), false);
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
  await shot(page, 'carrier-06-signed-out');
  const r = await env.kapka.req('GET', '/api/v1/session', { token: session.value });
  assert.equal(r.status, 401, 'the old session token no longer works');

  await page.goto('/#/home');
  await page.reload();
  await onPage(page, 'login');
  assert.equal(await main.locator('h1').innerText(), 'Sign in');
  assert.match(page.url(), /#\/login\?next=home$/);
  await shot(page, 'carrier-07-reload-after-sign-out');

  assert.deepEqual(problems, []);
  await context.close();
});
