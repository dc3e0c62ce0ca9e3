// Notifications that reach people away from the page (issue 17, docs/notifications.md): the
// queue call goes out as SMS through a real Kannel (bearerbox, smsbox, Kannel's fakesmsc
// as the SMSC) and as email to a real SMTP server, in the language the driver booked in;
// a gateway that is down is retried with back-off and delivered once, never twice; after
// notify_max_attempts a message is given up and operators see it and send it again;
// in-app notices are their owner's alone.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, stopClean, withServer, newTraveller, assertError, adminToken, sleep, eventually } from './lib.mjs';
import { demoTokens, newPlate, carrierWithFleet, issue } from './permits_helpers.test.mjs';
import { staffAgencies, importer, applyEv, newVin, stepOf, decide } from './window_helpers.mjs';
import { startKannel, kannelInstalled } from '../lib/kannel.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const CP = '/api/v1/checkpoints';
const S = {};

before(async () => {
  assert.ok(kannelInstalled(), 'Kannel is not installed (tools/deps.sh installs kannel and kannel-extras)');
  [S.kannel, S.mail] = await Promise.all([startKannel(), startSmtp()]);
  S.k = await startKapka({
    demo: true,
    now: '2026-12-08T11:00:00+06:00',
    env: {
      ...S.kannel.kapkaEnv, ...S.mail.kapkaEnv,
      KAPKA_NOTIFY_POLL_MS: '100', KAPKA_NOTIFY_RETRY_MIN_MS: '300', KAPKA_NOTIFY_RETRY_MAX_MS: '600',
      KAPKA_NOTIFY_MAX_ATTEMPTS: '3', KAPKA_NOTIFY_TIMEOUT_MS: '3000', KAPKA_METRICS_ALLOW: '127.0.0.1', KAPKA_NOTIFY_SWEEP_SECONDS: '1',
    },
  });
  S.tok = await demoTokens(S.k);
  S.admin = await adminToken(S.k);
});

after(async () => {
  if (S.k) await stopClean(S.k);
  if (S.kannel) await S.kannel.stop();
  if (S.mail) await S.mail.stop();
});

let phoneSeq = 0;
// A driver with a phone and email on the profile, in the live queue at Dostyk.
async function driverInQueue(lang) {
  const { k } = S;
  const t = await newTraveller(k, { language: 'en' });
  phoneSeq += 1;
  const phone = `+996 555 ${String(100000 + phoneSeq * 7919 + Math.floor(Math.random() * 1000)).slice(-6)}`;
  const email = `${t.body.username}@example.kg`;
  let r = await k.req('PUT', '/api/v1/notification-settings', { token: t.token, body: { phone, email } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.available, { sms: true, email: true, inapp: true });
  const plate = newPlate();
  r = await k.req('POST', `${CP}/dostyk/queue`, { token: t.token, body: { flow: 'car', plate, lang } });
  assert.equal(r.status, 201, r.text);
  return { ...t, phone: phone.replace(/[ -]/g, ''), phoneGiven: phone, email, plate: r.json.plate, booking: r.json };
}

async function callNext() {
  const r = await S.k.req('POST', `${CP}/dostyk/queue/call`, { token: S.tok.officer, body: { flow: 'car', count: 1 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.called, 1);
  return r.json.items[0];
}

const smsTo = (d) => (m) => m.to.replace(/[ -]/g, '') === d.phone;

async function outbox(state) {
  const r = await S.k.req('GET', `/api/v1/notification-outbox${state ? `?state=${state}` : ''}`, { token: S.admin });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

const until = (what, fn, ms) => eventually(fn, what, ms);

test('the queue call reaches the driver by SMS, email and in-app, in the language booked in', async () => {
  const { k } = S;
  const d = await driverInQueue('ky');
  const called = await callNext();
  assert.equal(called.id, d.booking.id);
  const sms = await S.kannel.waitFor(smsTo(d));
  assert.equal(sms.type, 'ucs-2', 'Kyrgyz text goes as UCS-2');
  assert.match(sms.text, /^Кезегиңиз: dostyk, /);
  assert.ok(sms.text.includes(d.plate), sms.text);
  assert.ok(sms.text.includes('20 мүн'), sms.text);
  assert.ok([...sms.text].length <= 70, `one UCS-2 part: ${sms.text}`);
  assert.equal(sms.from, 'kapka');

  const mail = await S.mail.waitFor((m) => m.to === d.email);
  assert.equal(mail.subject, 'Кезегиңиз келди: dostyk');
  assert.ok(mail.text.includes(d.plate) && mail.text.includes('20 мүнөттүн'), mail.text);
  assert.match(mail.headers.get('content-type').value, /text\/plain/);
  assert.equal(mail.headers.get('content-type').params.charset.toLowerCase(), 'utf-8');
  assert.ok(mail.headers.get('message-id'), 'a Message-ID');
  assert.ok(mail.headers.get('date') instanceof Date, 'a Date');
  assert.match(mail.raw, /^Subject: =\?UTF-8\?B\?/m, 'the subject is RFC 2047 encoded');
  assert.equal(mail.from, 'noreply@kapka.example.kg');

  // in-app: the driver's own notice, unread, then read; another person sees none of it
  let r = await k.req('GET', '/api/v1/notices', { token: d.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.unread, 1);
  const [notice] = r.json.items;
  assert.equal(notice.kind, 'QUEUE_CALL');
  assert.equal(notice.lang, 'ky');
  assert.equal(notice.object_type, 'booking');
  assert.equal(notice.object_id, String(d.booking.id));
  assert.equal(notice.read_at, null);
  const other = await newTraveller(k);
  assert.deepEqual((await k.req('GET', '/api/v1/notices', { token: other.token })).json.items, []);
  assertError(await k.req('POST', `/api/v1/notices/${notice.id}/read`, { token: other.token }), 404, 'not_found');
  assertError(await k.req('POST', `/api/v1/notices/${notice.id}/read`, { token: S.tok.officer }), 404, 'not_found');
  assertError(await k.req('POST', '/api/v1/notices/abc/read', { token: d.token }), 404);
  r = await k.req('POST', `/api/v1/notices/${notice.id}/read`, { token: d.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.unread, 0);
  r = await k.req('GET', '/api/v1/notices', { token: d.token });
  assert.ok(r.json.items[0].read_at, 'marked read');

  // one message per channel for the act: the sent rows are in the outbox as sent
  const sent = (await outbox('sent')).filter((m) => m.recipient === d.email || m.recipient === d.phone);
  assert.deepEqual(sent.map((m) => m.channel).sort(), ['email', 'sms']);
  assert.ok(sent.every((m) => m.attempts === 1 && m.last_error === null));
  // the driver and the officer may not read the outbox
  assertError(await k.req('GET', '/api/v1/notification-outbox', { token: d.token }), 403);
  assertError(await k.req('GET', '/api/v1/notification-outbox', { token: S.tok.officer }), 403);
  assertError(await k.req('GET', '/api/v1/notification-outbox?state=lost', { token: S.admin }), 400, 'bad_query');
});

test('a closure that cancels a booking tells its driver by SMS, email and in-app, in the booking\'s language', async () => {
  const { k } = S;
  const d = await driverInQueue('ru');
  const close = await k.req('POST', `${CP}/dostyk/closures`, { token: S.tok.ministry, body: { reason: 'flood on the road' } });
  assert.equal(close.status, 201, close.text);
  try {
    assert.ok(close.json.bookings_cancelled >= 1, close.text);
    const sms = await S.kannel.waitFor(smsTo(d));
    assert.equal(sms.text, `Бронь отменена: dostyk, ${d.plate}. Пункт закрыт`);
    assert.ok([...sms.text].length <= 70, `one UCS-2 part: ${sms.text}`);
    const mail = await S.mail.waitFor((m) => m.to === d.email);
    assert.equal(mail.subject, 'Бронь отменена: dostyk');
    assert.ok(mail.text.includes(d.plate) && mail.text.includes('пункт закрыт'), mail.text);
    const mine = (await k.req('GET', '/api/v1/notices', { token: d.token })).json.items;
    assert.deepEqual(mine.map((n) => [n.kind, n.object_id, n.lang]), [['BOOKING_CANCELLED', String(d.booking.id), 'ru']]);
    // once per booking: the closure's own notice is not repeated by anything after it
    const mineSent = async () => (await outbox('sent')).filter((m) => m.recipient === d.phone || m.recipient === d.email);
    await until('both marked sent', async () => (await mineSent()).length >= 2);
    assert.deepEqual((await mineSent()).map((m) => m.channel).sort(), ['email', 'sms']);
  } finally {
    assert.equal((await k.req('DELETE', `${CP}/dostyk/closures/${close.json.id}`, { token: S.tok.ministry })).status, 200);
  }
});

test('a gateway that is down: retried with back-off, delivered once it is up, never twice', async () => {
  const d = await driverInQueue('ru');
  await S.kannel.pause();
  S.mail.refuse(true);
  await callNext();
  // failed at least once each, waiting for the next attempt
  const failed = await until('both messages failed once', async () => {
    const rows = (await outbox('failed')).filter((m) => m.recipient === d.email || m.recipient === d.phone);
    return rows.length === 2 ? rows : null;
  });
  for (const m of failed) {
    assert.ok(m.attempts >= 1 && m.attempts < 3, JSON.stringify(m));
    assert.ok(m.last_error, 'the error is kept');
    assert.ok(m.next_attempt_at, 'the next attempt is planned');
  }
  assert.match(failed.find((m) => m.channel === 'sms').last_error, /Kannel did not answer/);
  assert.match(failed.find((m) => m.channel === 'email').last_error, /451|mail server/);
  await S.kannel.resume();
  S.mail.refuse(false);
  const sms = await S.kannel.waitFor(smsTo(d));
  assert.ok(sms.text.startsWith('Ваша очередь: dostyk'), sms.text);
  const mail = await S.mail.waitFor((m) => m.to === d.email);
  assert.equal(mail.subject, 'Ваша очередь: dostyk');
  // a while later still exactly one of each
  await sleep(1500);
  assert.equal(S.kannel.messages.filter(smsTo(d)).length, 1, 'one SMS');
  assert.equal(S.mail.messages.filter((m) => m.to === d.email).length, 1, 'one email');
});

test('given up after the last attempt, listed for operators, sent again on their word', async () => {
  const { k } = S;
  const d = await driverInQueue('en');
  await S.kannel.pause();
  await callNext();
  const gone = await until('the SMS given up', async () =>
    (await outbox('given_up')).find((m) => m.recipient === d.phone));
  assert.equal(gone.attempts, 3);
  assert.equal(gone.channel, 'sms');
  assert.ok((await outbox()).some((m) => m.id === gone.id), 'the default list holds the given-up');
  // the email went meanwhile; the metrics count both
  await S.mail.waitFor((m) => m.to === d.email);
  const metrics = await k.req('GET', '/metrics', { token: S.admin });
  assert.match(metrics.text, /kapka_notifications\{channel="sms",state="given_up"\} [1-9]/);
  assert.match(metrics.text, /kapka_notifications\{channel="email",state="sent"\} [1-9]/);
  // nobody but an operator retries; a sent message cannot be retried
  assertError(await k.req('POST', `/api/v1/notification-outbox/${gone.id}/retry`, { token: d.token }), 403);
  const sentRow = (await outbox('sent')).find((m) => m.recipient === d.email);
  assertError(await k.req('POST', `/api/v1/notification-outbox/${sentRow.id}/retry`, { token: S.admin }), 409, 'not_failed');
  assertError(await k.req('POST', '/api/v1/notification-outbox/999999999/retry', { token: S.admin }), 404);
  await S.kannel.resume();
  const r = await k.req('POST', `/api/v1/notification-outbox/${gone.id}/retry`, { token: S.admin });
  assert.equal(r.status, 200, r.text);
  const sms = await S.kannel.waitFor(smsTo(d));
  assert.match(sms.text, /^kapka: your turn at dostyk/);
  assert.equal(sms.type, 'text', 'English goes as GSM text');
});

test('channels switched off get nothing; bad settings are refused and change nothing', async () => {
  const { k } = S;
  const d = await driverInQueue('en');
  let r = await k.req('PUT', '/api/v1/notification-settings', { token: d.token, body: { sms: false } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sms, false);
  assert.equal(r.json.email_on, true);
  assertError(await k.req('PUT', '/api/v1/notification-settings', { token: d.token, body: { phone: '555' } }), 422);
  assertError(await k.req('PUT', '/api/v1/notification-settings', { token: d.token, body: { email: 'not mail' } }), 422);
  assertError(await k.req('PUT', '/api/v1/notification-settings', { token: d.token, body: { sms: 'yes' } }), 422);
  r = await k.req('GET', '/api/v1/notification-settings', { token: d.token });
  assert.equal(r.json.phone, d.phoneGiven, 'unchanged by the refused changes');
  assert.equal(r.json.email, d.email);
  await callNext();
  await S.mail.waitFor((m) => m.to === d.email);
  const notices = (await k.req('GET', '/api/v1/notices', { token: d.token })).json;
  assert.equal(notices.items[0].kind, 'QUEUE_CALL');
  await sleep(500);
  assert.equal(S.kannel.messages.filter(smsTo(d)).length, 0, 'no SMS when switched off');
  assert.equal((await outbox('pending')).filter((m) => m.recipient === d.phone).length, 0, 'none queued');
});

const noticesOf = async (token) => (await S.k.req('GET', '/api/v1/notices', { token })).json.items;

test('permit decisions reach the holder: issued, revoked, returned; only the holder sees them', async () => {
  const { k, tok } = S;
  const c = await carrierWithFleet(k, 2);
  const email = `${c.body.username}@example.kg`;
  assert.equal((await k.req('PUT', '/api/v1/notification-settings', { token: c.token, body: { email } })).status, 200);
  const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id });
  const mail = await S.mail.waitFor((m) => m.to === email && m.subject.includes(p.id));
  assert.equal(mail.subject, `Разрешение выдано: ${p.id}`, 'in the carrier user\'s language (ru)');
  let mine = await noticesOf(c.token);
  assert.deepEqual(mine.map((n) => [n.kind, n.object_id]), [['PERMIT_ISSUED', p.id]]);
  let r = await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'forged waybill' } });
  assert.equal(r.status, 200, r.text);
  mine = await noticesOf(c.token);
  assert.equal(mine[0].kind, 'PERMIT_REVOKED');
  assert.match(mine[0].text, /forged waybill/);
  const q = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[1].id });
  r = await k.req('POST', `/api/v1/permits/${q.id}/return`, { token: c.token });
  assert.equal(r.status, 200, r.text);
  mine = await noticesOf(c.token);
  assert.deepEqual(mine.slice(0, 2).map((n) => n.kind), ['PERMIT_RETURNED', 'PERMIT_ISSUED']);
  // another carrier and the demo carrier see none of these
  const other = await carrierWithFleet(k, 0);
  assert.deepEqual(await noticesOf(other.token), []);
  assert.ok(!(await noticesOf(tok.carrier)).some((n) => [p.id, q.id].includes(n.object_id)));
  assertError(await k.req('POST', `/api/v1/notices/${mine[0].id}/read`, { token: other.token }), 404, 'not_found');
});

test('a single-window request for more information reaches the applicant', async () => {
  const { k } = S;
  const staff = await staffAgencies(k);
  const imp = await importer(k);
  const r = await applyEv(k, imp, [newVin()]);
  assert.equal(r.status, 201, r.text);
  const customs = stepOf(r.json, 'customs');
  await k.req('POST', `/api/v1/window/steps/${customs.id}/take`, { token: staff.customs.token });
  const ask = await decide(k, staff.customs.token, customs.id, 'ask', { request: 'Send the invoice signed by the seller' });
  assert.equal(ask.status, 200, ask.text);
  const [n] = await noticesOf(imp.token);
  assert.equal(n.kind, 'WINDOW_MORE_INFO');
  assert.equal(n.object_type, 'sw_application');
  assert.equal(n.object_id, String(r.json.id));
  assert.match(n.text, /Send the invoice signed by the seller/);
  assert.match(n.subject, new RegExp(`SW-${r.json.id}`));
});

test('no gateway configured: no SMS or email queued or promised; in-app notices still come', async () => {
  await withServer({ demo: true, now: '2026-12-08T11:00:00+06:00' }, async (k) => {
    const t = await newTraveller(k);
    let r = await k.req('PUT', '/api/v1/notification-settings', { token: t.token, body: { phone: '+996 555 700 800', email: 'x@example.kg' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.available, { sms: false, email: false, inapp: true });
    r = await k.req('POST', `${CP}/dostyk/queue`, { token: t.token, body: { flow: 'car', plate: newPlate(), lang: 'en' } });
    assert.equal(r.status, 201, r.text);
    const officer = await k.login('officer', 'kapka-demo-2026');
    // a walk-in the officer puts in the queue: the officer is not the driver and hears nothing
    r = await k.req('POST', `${CP}/dostyk/queue`, { token: officer, body: { flow: 'car', plate: newPlate() } });
    assert.equal(r.status, 201, r.text);
    r = await k.req('POST', `${CP}/dostyk/queue/call`, { token: officer, body: { flow: 'car', count: 2 } });
    assert.equal(r.json.called, 2, r.text);
    const [n] = (await k.req('GET', '/api/v1/notices', { token: t.token })).json.items;
    assert.equal(n.kind, 'QUEUE_CALL');
    assert.deepEqual((await k.req('GET', '/api/v1/notices', { token: officer })).json.items, [], 'nothing for the officer');
    const admin = await adminToken(k);
    for (const state of ['pending', 'sent', 'failed', 'given_up']) {
      assert.deepEqual((await k.req('GET', `/api/v1/notification-outbox?state=${state}`, { token: admin })).json.items, [], state);
    }
  });
});

// A traveller with an email whose temporary import ends in two days (entered six months
// ago less three days): the expiry sweep writes to them within a second
// (notify_sweep_seconds 1).
async function tipEndingSoon(k) {
  const t = await newTraveller(k, { language: 'en' });
  const email = `${t.body.username}@example.kg`;
  assert.equal((await k.req('PUT', '/api/v1/notification-settings', { token: t.token, body: { email } })).status, 200);
  const today = new Date(k.now() + 6 * 3600e3);
  const entry = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 6, today.getUTCDate() + 3)).toISOString().slice(0, 10);
  const r = await k.req('POST', '/api/v1/tips', { token: t.token, body: { plate: `AB ${100 + (phoneSeq++ % 800)} CD`, plate_country: 'FR', kind: 'car',
    owner_name: 'Marie Dupont', owner_passport: '12AB34567', entry_checkpoint: 'dostyk', entered_from: 'UZ', entry_date: entry, term_months: 6 } });
  assert.equal(r.status, 201, r.text);
  return { ...t, email };
}

test('email over STARTTLS, the server checked against smtp_ca_file; a server without TLS is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-smtp-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
  const tlsMail = await startSmtp({ tls: { key: readFileSync(key), cert: readFileSync(cert), caFile: cert } });
  const plainMail = await startSmtp();
  const fast = { KAPKA_NOTIFY_POLL_MS: '100', KAPKA_NOTIFY_SWEEP_SECONDS: '1', KAPKA_NOTIFY_RETRY_MIN_MS: '60000' };
  try {
    await withServer({ now: '2026-12-08T11:00:00+06:00', env: { ...tlsMail.kapkaEnv, ...fast } }, async (k) => {
      const t = await tipEndingSoon(k);
      const m = await tlsMail.waitFor((x) => x.to === t.email);
      assert.equal(m.secure, true, 'the message came over TLS');
      assert.match(m.subject, /^Temporary import ends soon/);
    });
    // STARTTLS required (the default) but the server offers none: nothing goes in clear
    const env = { ...plainMail.kapkaEnv, KAPKA_SMTP_STARTTLS: '1', ...fast };
    await withServer({ now: '2026-12-08T11:00:00+06:00', env }, async (k) => {
      const t = await tipEndingSoon(k);
      const admin = await adminToken(k);
      const failed = await until('the email failed', async () => (await k.req('GET', '/api/v1/notification-outbox?state=failed', { token: admin }))
        .json.items.find((x) => x.recipient === t.email));
      assert.match(failed.last_error, /mail server did not take it/);
      assert.equal(plainMail.messages.length, 0, 'nothing sent without TLS');
    });
  } finally {
    await tlsMail.stop();
    await plainMail.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Last: it moves the server's clock on.
test('the expiry sweep reminds 3 days and 1 day before, once each', async () => {
  const { k } = S;
  const t = await tipEndingSoon(k);
  const { email } = t;
  let token = t.token;
  const expiring = async () => (await noticesOf(token)).filter((n) => n.kind === 'TIP_EXPIRING');
  const first = await until('the 3-day reminder', async () => { const l = await expiring(); return l.length ? l : null; });
  assert.equal(first.length, 1);
  assert.match(first[0].text, /ends on \d\d\/\d\d\/\d{4} \(days left: 2\)/);
  await S.mail.waitFor((m) => m.to === email && m.subject.startsWith('Temporary import ends soon'));
  await sleep(2500); // two more sweeps: nothing new
  assert.equal((await expiring()).length, 1, 'the 3-day reminder once');
  // a day and a half later: the 1-day reminder, once
  await k.travel(36 * 3600);
  token = await k.login(t.body.username, t.body.password); // the session ended meanwhile
  const second = await until('the 1-day reminder', async () => { const l = await expiring(); return l.length === 2 ? l : null; });
  assert.match(second[0].text, /\(days left: [01]\)/);
  await sleep(2500);
  assert.equal((await expiring()).length, 2, 'each reminder once');
  assert.equal(S.mail.messages.filter((m) => m.to === email).length, 2, 'two emails in all');
});
