// notify.test.mjs: the queue call reaches a driver away from the page and on it (issue 17,
// docs/notifications.md): in Kyrgyz, Russian and English a driver joins the live queue on
// the booking page (which says an SMS will come), the officer calls the vehicle, and the
// call arrives as SMS at a real Kannel's SMSC (fakesmsc), as email at a real SMTP server, and
// in the header's bell and on the Notices page, all in the page's language; marked read, the
// bell goes quiet. The Notices page on a 390 px phone and a 1280 px screen, screenshots in
// build/browser/notify/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { ROOT } from '../lib/kapka.mjs';
import { startKannel } from '../lib/kannel.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { harness, openPage, onPage, signInAs, visit, overflow, unique, DEMO_PASSWORD } from './helpers.mjs';

const SHOTS = join(ROOT, 'build', 'browser', 'notify');
const SIZES = { ky: { width: 390, height: 844 }, ru: { width: 1280, height: 900 }, en: { width: 390, height: 844 } };
const SUBJECT = { ky: 'Кезегиңиз келди: dostyk', ru: 'Ваша очередь: dostyk', en: 'Your turn at dostyk' };
const SMS = { ky: /^Кезегиңиз: dostyk, /, ru: /^Ваша очередь: dostyk, /, en: /^kapka: your turn at dostyk, / };
const BOOKING_HINT = {
  ky: 'Кезегиңиз келгенде бул номерге SMS', ru: 'Когда подойдёт ваша очередь, мы пришлём SMS', en: 'When it is your turn we send an SMS',
};

const env = harness();
const S = {};
before(async () => {
  [S.kannel, S.mail] = await Promise.all([startKannel(), startSmtp()]);
  await env.start({ servers: { kapka: { demo: true, now: '2026-12-08T11:00:00+06:00',
    env: { ...S.kannel.kapkaEnv, ...S.mail.kapkaEnv, KAPKA_NOTIFY_POLL_MS: '100' } } } });
  S.officer = await env.kapka.login('officer', DEMO_PASSWORD);
});
after(async () => {
  await env.stop();
  await S.kannel?.stop();
  await S.mail?.stop();
});

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

async function traveller(lang) {
  const username = unique(`nt${lang}`);
  const password = 'correct-horse-1';
  const k = env.kapka;
  const r = await k.req('POST', '/api/v1/travellers', { body: { username, password, full_name: 'Aida Test', language: lang } });
  assert.equal(r.status, 201, r.text);
  const token = await k.login(username, password);
  const phone = `+99670${String(randomInt(1000000, 9999999))}`;
  const email = `${username}@example.kg`;
  assert.equal((await k.req('PUT', '/api/v1/notification-settings', { token, body: { phone, email } })).status, 200);
  return { username, password, phone, email };
}

for (const lang of ['ky', 'ru', 'en']) {
  test(`${lang}: the queue call comes by SMS, email, the bell and the Notices page`, async () => {
    const size = SIZES[lang];
    const d = await traveller(lang);
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, size);
    try {
      await signInAs(page, d.username, d.password);
      await page.locator('.lang-switch [data-lang="' + lang + '"]').click();
      await page.locator(`html[lang="${lang}"]`).waitFor();
      await visit(page, 'booking');
      // the page promises the SMS only because this kapka sends SMS
      assert.ok((await page.locator('#main').innerText()).includes(BOOKING_HINT[lang]), 'the booking page says an SMS will come');
      const live = page.locator('section[aria-labelledby="booking-live"]');
      await live.locator('select[name="checkpoint"]').selectOption('dostyk');
      await live.locator('select[name="flow"]').selectOption('car');
      const plate = `01KG${String(randomInt(100, 999))}N${'ABCDEFGH'[randomInt(8)]}${'KLMNPRST'[randomInt(8)]}`;
      await live.locator('input[name="plate"]').fill(plate);
      await live.locator('button[type="submit"]').click();
      await page.locator(`#main .booking[data-status="checked_in"]`).first().waitFor();
      await shot(page, `${lang}-${size.width}-booking`);

      const called = await env.kapka.req('POST', '/api/v1/checkpoints/dostyk/queue/call', { token: S.officer, body: { flow: 'car', count: 1 } });
      assert.equal(called.status, 200, called.text);
      assert.equal(called.json.items[0].plate, plate);

      const sms = await S.kannel.waitFor((m) => m.to === d.phone);
      assert.match(sms.text, SMS[lang]);
      assert.ok(sms.text.includes(plate));
      const mail = await S.mail.waitFor((m) => m.to === d.email);
      assert.equal(mail.subject, SUBJECT[lang]);

      // the bell counts it; the Notices page shows it in the page's language
      await visit(page, 'notices');
      await onPage(page, 'notices');
      const bell = page.locator('#notices-bell');
      await bell.locator('.bell-count[data-count="1"]').waitFor();
      assert.equal(await bell.isVisible(), true);
      const item = page.locator('#main .notice-item[data-kind="QUEUE_CALL"]');
      await item.waitFor();
      assert.equal(await item.locator('h3').getAttribute('lang'), lang);
      assert.ok((await item.innerText()).includes(SUBJECT[lang]));
      assert.ok((await item.innerText()).includes(plate));
      for (const sz of [size, size.width === 390 ? SIZES.ru : SIZES.ky]) {
        await page.setViewportSize(sz);
        const o = await overflow(page);
        assert.equal(o.extra, 0, `the Notices page scrolls sideways at ${sz.width} px: ${o.wide.join(', ')}`);
        await shot(page, `${lang}-${sz.width}-notices`);
      }
      await item.locator('button').click();
      await page.locator('#main .notice-item.unread').waitFor({ state: 'detached' });
      await bell.locator('.bell-count[data-count="0"]').waitFor({ state: 'attached' });
      assert.equal(await bell.locator('.bell-count').isVisible(), false, 'no count once read');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
