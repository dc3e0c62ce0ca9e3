// notify.test.mjs: the queue call reaches a driver away from the page and on it (issue 17,
// docs/notifications.md): in Kyrgyz, Russian and English a driver joins the live queue on
// the booking page (which says an SMS will come), the officer calls the vehicle, and the
// call arrives as SMS at a real Kannel's SMSC (fakesmsc), as email at a real SMTP server, and
// in the header's bell and on the Notices page, all in the page's language; marked read, the
// bell goes quiet. The Notices page on a 390 px phone and a 1280 px screen; a driver changes
// channels there and an operator sends a failed SMS again. Screenshots in
// build/browser/notify/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { ROOT, ADMIN_PASSWORD, eventually } from '../lib/kapka.mjs';
import { startKannel, freePort } from '../lib/kannel.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { harness, openPage, onPage, signInAs, visit, overflow, unique, DEMO_PASSWORD, shot } from './helpers.mjs';

const SHOTS = join(ROOT, 'build', 'browser', 'notify');
const SIZES = { ky: { width: 390, height: 844 }, ru: { width: 1280, height: 900 }, en: { width: 390, height: 844 } };
const SUBJECT = { ky: 'Кезегиңиз келди: dostyk', ru: 'Ваша очередь: dostyk', en: 'Your turn at dostyk' };
const SMS = { ky: /^Кезегиңиз: dostyk, /, ru: /^Ваша очередь: dostyk, /, en: /^kapka: your turn at dostyk, / };
const BOOKING_HINT = {
  ky: 'Кезегиңиз келгенде бул номерге SMS', ru: 'Когда подойдёт ваша очередь, мы пришлём SMS', en: 'When it is your turn we send an SMS',
};

const DELIVERED = { ky: 'Телефонго жеткирилди', ru: 'Доставлено на телефон', en: 'Delivered to the phone' };

const env = harness();
const S = {};
before(async () => {
  [S.kannel, S.mail] = await Promise.all([startKannel(), startSmtp()]);
  const port = await freePort(); // Kannel reports deliveries to sms_dlr_base
  await env.start({ servers: { kapka: { demo: true, now: '2026-12-08T11:00:00+06:00', args: ['--port', String(port)],
    env: { ...S.kannel.kapkaEnv, ...S.mail.kapkaEnv, KAPKA_NOTIFY_POLL_MS: '100', KAPKA_NOTIFY_RETRY_MIN_MS: '60000',
      KAPKA_SMS_DLR_BASE: `http://127.0.0.1:${port}` } } } });
  S.officer = await env.kapka.login('officer', DEMO_PASSWORD);
});
after(async () => {
  await env.stop();
  await S.kannel?.stop();
  await S.mail?.stop();
});

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
      await shot(page, `${lang}-${size.width}-booking`, SHOTS);

      const called = await env.kapka.req('POST', '/api/v1/checkpoints/dostyk/queue/call', { token: S.officer, body: { flow: 'car', count: 1 } });
      assert.equal(called.status, 200, called.text);
      assert.equal(called.json.items[0].plate, plate);

      const sms = await S.kannel.waitFor((m) => m.to === d.phone);
      assert.match(sms.text, SMS[lang]);
      assert.ok(sms.text.includes(plate));
      const mail = await S.mail.waitFor((m) => m.to === d.email);
      assert.equal(mail.subject, SUBJECT[lang]);

      // Kannel's report that the SMS reached the phone, shown under the notice
      const dToken = await env.kapka.login(d.username, d.password);
      await eventually(async () => (await env.kapka.req('GET', '/api/v1/notices', { token: dToken }))
        .json.items[0]?.sms_delivery?.state === 'delivered', 'the SMS reported delivered');
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
      assert.ok((await item.locator('[data-sms="delivered"]').innerText()).includes(DELIVERED[lang]), 'the SMS shown delivered');
      for (const sz of [size, size.width === 390 ? SIZES.ru : SIZES.ky]) {
        await page.setViewportSize(sz);
        const o = await overflow(page);
        assert.equal(o.extra, 0, `the Notices page scrolls sideways at ${sz.width} px: ${o.wide.join(', ')}`);
        await shot(page, `${lang}-${sz.width}-notices`, SHOTS);
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

test('a driver switches SMS off on the Notices page; an operator sends a failed SMS again', async () => {
  const d = await traveller('en');
  const admin = await openPage(env.browser, env.kapka.url, { width: 1280, height: 900 });
  const driver = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
  try {
    // the driver's channels, changed on the page and kept
    await signInAs(driver.page, d.username, d.password);
    await visit(driver.page, 'notices');
    const form = driver.page.locator('section[aria-labelledby="notify-settings"] form');
    await form.locator('input[name="phone"]').fill('+996 555 010 203');
    await form.locator('input[name="email_on"]').uncheck();
    await form.locator('button[type="submit"]').click();
    await driver.page.locator('#main .notice-ok').waitFor();
    const token = await env.kapka.login(d.username, d.password);
    const saved = (await env.kapka.req('GET', '/api/v1/notification-settings', { token })).json;
    assert.equal(saved.phone, '+996 555 010 203');
    assert.equal(saved.email_on, false);
    assert.equal(saved.sms, true);
    await shot(driver.page, 'en-390-settings', SHOTS);

    // Kannel down: the call's SMS fails; the operator sees it and sends it again once it is up
    await S.kannel.pause();
    const r = await env.kapka.req('POST', '/api/v1/checkpoints/dostyk/queue', { token, body: { flow: 'car', plate: `01KG${randomInt(100, 999)}OPS`, lang: 'en' } });
    assert.equal(r.status, 201, r.text);
    const called = await env.kapka.req('POST', '/api/v1/checkpoints/dostyk/queue/call', { token: S.officer, body: { flow: 'car', count: 1 } });
    assert.equal(called.json.items[0].id, r.json.id);
    await signInAs(admin.page, 'admin', ADMIN_PASSWORD);
    // the page shows the outbox as it is when opened: open it once the SMS has failed
    const adminToken = await env.kapka.login('admin', ADMIN_PASSWORD);
    await eventually(async () => (await env.kapka.req('GET', '/api/v1/notification-outbox?state=failed', { token: adminToken }))
      .json.items.some((m) => m.recipient === '+996555010203'), 'the failed SMS in the outbox');
    await visit(admin.page, 'notices');
    const row = admin.page.locator('section[aria-labelledby="notify-outbox"] li', { hasText: '+996555010203' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /Kannel did not answer/);
    await shot(admin.page, 'en-1280-outbox', SHOTS);
    await S.kannel.resume();
    await row.first().locator('button').click();
    const sms = await S.kannel.waitFor((m) => m.to === '+996555010203');
    assert.match(sms.text, /^kapka: your turn at dostyk/);
    assert.deepEqual(driver.problems, []);
    assert.deepEqual(admin.problems, []);
  } finally {
    await S.kannel.resume().catch(() => {});
    await driver.context.close();
    await admin.context.close();
  }
});
