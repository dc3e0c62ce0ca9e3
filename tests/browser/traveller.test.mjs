// traveller.test.mjs: a traveller whose browser speaks Russian signs up and signs in; the
// UI starts in Russian without being told, and the account remembers the language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, unique, fill } from './helpers.mjs';

const env = harness();
before(() => env.start());
after(() => env.stop());

test('traveller: sign up and sign in, in Russian from the browser language', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { locale: 'ru-RU' });
  const tr = { name: 'Бакыт Асанович Жумабеков', email: 'bakyt@example.kg', username: unique('bakyt'),
    password: 'жайлоо-2024-ысык-көл' };

  await page.goto('/');
  await onPage(page, 'login');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  assert.equal(await page.locator('main h1').innerText(), 'Вход');
  await shot(page, 'traveller-01-login-ru');

  await page.getByRole('link', { name: 'Зарегистрироваться' }).click();
  await onPage(page, 'register');
  await shot(page, 'traveller-02-register-choice');
  await page.getByRole('link', { name: /Путешественник/ }).click();
  await page.locator('.view[data-kind="traveller"]').waitFor();
  assert.equal(await page.locator('main h1').innerText(), 'Путешественник');
  assert.equal(await page.getByLabel('Язык', { exact: true }).inputValue(), 'ru', 'the account language follows the UI');

  // Nothing filled in: every required field says so, and nothing is sent.
  let posted = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/travellers')) posted++; });
  await page.getByRole('button', { name: 'Создать учётную запись' }).click();
  const summary = page.getByRole('alert');
  await summary.filter({ hasText: 'Исправьте отмеченные поля.' }).waitFor();
  assert.equal(await page.getByLabel('Фамилия, имя, отчество').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.field-error:visible').count(), 4);
  assert.equal(posted, 0);
  await shot(page, 'traveller-03-register-empty');

  await fill(page, 'Фамилия, имя, отчество', tr.name);
  await fill(page, 'Электронная почта (необязательно)', tr.email);
  await fill(page, 'Имя пользователя', tr.username.toUpperCase()); // sent in lower case
  await fill(page, 'Пароль', tr.password);
  await fill(page, 'Повторите пароль', tr.password);
  await shot(page, 'traveller-04-register-filled');
  await page.getByRole('button', { name: 'Создать учётную запись' }).click();

  await onPage(page, 'login');
  await page.getByRole('status').filter({ hasText: 'Учётная запись создана.' }).waitFor();
  assert.equal(posted, 1);
  await fill(page, 'Пароль', tr.password);
  await page.getByRole('button', { name: 'Войти', exact: true }).click();

  await onPage(page, 'home');
  const main = page.locator('main');
  assert.equal(await main.locator('h1').innerText(), `Добро пожаловать, ${tr.name}`);
  const text = await main.innerText();
  for (const want of [tr.username, tr.email, 'Путешественник', 'Русский', 'Действует',
    'У вас личная учётная запись']) {
    assert.ok(text.includes(want), `home shows ${want}:\n${text}`);
  }
  assert.equal(await main.locator('section[data-organisation]').count(), 0, 'a traveller has no organisation');
  await shot(page, 'traveller-05-home-ru');

  // The server agrees: a traveller, in Russian, without an organisation.
  const r = await env.kapka.req('GET', '/api/v1/session', { token: await env.kapka.login(tr.username, tr.password) });
  assert.equal(r.json.user.role, 'traveller');
  assert.equal(r.json.user.language, 'ru');
  assert.equal(r.json.user.full_name, tr.name);
  assert.equal(r.json.user.organisation_id, null);

  assert.deepEqual(problems, []);
  await context.close();
});
