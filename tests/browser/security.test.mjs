// security.test.mjs: a traveller changes their password on the home page at 390 px: a
// common password is refused with the server's reason, the change is confirmed, and the
// new password signs in while the old one no longer does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, fill, signIn, overflow } from './helpers.mjs';
import { travellerBody, PASSWORD } from '../e2e/lib.mjs';

const env = harness();
before(() => env.start());
after(() => env.stop());

test('traveller: change the password on the home page', async () => {
  const user = travellerBody({ language: 'en' });
  const r = await env.kapka.req('POST', '/api/v1/travellers', { body: user });
  assert.equal(r.status, 201, r.text);
  const { page, context } = await openPage(env.browser, env.kapka.url, { width: 390, height: 900 });
  await page.goto('/#/login');
  await onPage(page, 'login');
  await signIn(page, user.username, PASSWORD);
  await onPage(page, 'home');
  const form = page.locator('section[aria-labelledby="home-password"] form');
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByLabel('New password').fill('qwertyuiop');
  await form.getByLabel('Repeat the password').fill('qwertyuiop');
  await form.getByRole('button', { name: 'Change password' }).click();
  await form.locator('.field-error:visible').filter({ hasText: /common/ }).waitFor();
  await form.getByLabel('New password').fill('a new and long passphrase');
  await form.getByLabel('Repeat the password').fill('a new and long passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();
  assert.equal((await overflow(page)).extra, 0);
  await shot(page, 'security-01-password-changed');
  assert.equal((await env.kapka.req('POST', '/api/v1/session', { body: { username: user.username, password: PASSWORD } })).status, 401);
  assert.equal((await env.kapka.req('POST', '/api/v1/session', { body: { username: user.username, password: 'a new and long passphrase' } })).status, 201);
  await context.close();
});
