// SMS delivery reports (docs/notifications.md): with sms_dlr_base set, every SMS asks
// Kannel for its delivery reports at a URL holding a random token; a real bearerbox and
// smsbox, with Kannel's fakesmsc as the SMSC, call it back. Operators see what became of
// each SMS on the outbox and in /metrics; a forged or malformed report changes nothing.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKapka, stopClean, newTraveller, assertError, adminToken, eventually } from './lib.mjs';
import { demoTokens, newPlate } from './permits_helpers.test.mjs';
import { startKannel, kannelInstalled, freePort } from '../lib/kannel.mjs';

const CP = '/api/v1/checkpoints';
const S = {};

before(async () => {
  assert.ok(kannelInstalled(), 'Kannel is not installed (tools/deps.sh installs kannel and kannel-extras)');
  S.kannel = await startKannel();
  // the port known beforehand: smsbox reports to sms_dlr_base
  const port = await freePort();
  S.k = await startKapka({
    demo: true,
    now: '2026-12-08T11:00:00+06:00',
    args: ['--port', String(port)],
    env: {
      ...S.kannel.kapkaEnv, KAPKA_SMS_DLR_BASE: `http://127.0.0.1:${port}/`,
      KAPKA_NOTIFY_POLL_MS: '100', KAPKA_NOTIFY_TIMEOUT_MS: '3000', KAPKA_METRICS_ALLOW: '127.0.0.1',
    },
  });
  S.tok = await demoTokens(S.k);
  S.admin = await adminToken(S.k);
});

after(async () => {
  if (S.k) await stopClean(S.k);
  if (S.kannel) await S.kannel.stop();
});

let seq = 0;
async function driverInQueue() {
  const { k } = S;
  const t = await newTraveller(k, { language: 'en' });
  seq += 1;
  const phone = `+996555${String(200000 + seq * 7919 + Math.floor(Math.random() * 1000)).slice(-6)}`;
  let r = await k.req('PUT', '/api/v1/notification-settings', { token: t.token, body: { phone } });
  assert.equal(r.status, 200, r.text);
  r = await k.req('POST', `${CP}/dostyk/queue`, { token: t.token, body: { flow: 'car', plate: newPlate(), lang: 'en' } });
  assert.equal(r.status, 201, r.text);
  return { ...t, phone };
}

async function outbox(state) {
  const r = await S.k.req('GET', `/api/v1/notification-outbox${state ? `?state=${state}` : ''}`, { token: S.admin });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('Kannel reports each SMS delivered; operators see it on the outbox and in /metrics', async () => {
  const { k } = S;
  const drivers = [];
  for (let i = 0; i < 6; i++) drivers.push(await driverInQueue());
  const r = await k.req('POST', `${CP}/dostyk/queue/call`, { token: S.tok.officer, body: { flow: 'car', count: 6 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.called, 6);
  for (const d of drivers) await S.kannel.waitFor((m) => m.to === d.phone);
  // bearerbox reports the SMSC's acceptance (type 8); Kannel's fake SMSC then reports the
  // phone's delivery (type 1) itself: the final word, which a later report cannot undo
  const rows = await eventually(async () => {
    const sent = (await outbox('sent')).filter((m) => drivers.some((d) => d.phone === m.recipient));
    return sent.length === 6 && sent.every((m) => m.delivery?.state === 'delivered') ? sent : null;
  }, 'all six SMS reported delivered');
  for (const m of rows) {
    assert.equal(m.attempts, 1);
    assert.ok(Date.parse(m.delivery.at) >= Date.parse(m.created_at), JSON.stringify(m));
  }
  // a delivered SMS is not a failure: not on the default list, and cannot be sent again
  assert.ok(!(await outbox()).some((m) => rows.some((x) => x.id === m.id)));
  assertError(await k.req('POST', `/api/v1/notification-outbox/${rows[0].id}/retry`, { token: S.admin }), 409, 'not_failed');
  const metrics = await k.req('GET', '/metrics', { token: S.admin });
  assert.match(metrics.text, /kapka_sms_delivery\{state="delivered"\} 6\b/);
  // each driver sees under their own notice that the SMS reached their phone
  for (const d of drivers) {
    const [notice] = (await k.req('GET', '/api/v1/notices', { token: d.token })).json.items;
    assert.equal(notice.kind, 'QUEUE_CALL');
    assert.equal(notice.sms_delivery.state, 'delivered', JSON.stringify(notice));
  }
  // a notice with no SMS behind it has none
  const other = await newTraveller(k);
  const r2 = await k.req('POST', `${CP}/dostyk/queue`, { token: other.token, body: { flow: 'car', plate: newPlate(), lang: 'en' } });
  assert.equal(r2.status, 201, r2.text);
  const called = await k.req('POST', `${CP}/dostyk/queue/call`, { token: S.tok.officer, body: { flow: 'car', count: 1 } });
  assert.equal(called.json.called, 1, called.text);
  const [plain] = (await k.req('GET', '/api/v1/notices', { token: other.token })).json.items;
  assert.equal(plain.kind, 'QUEUE_CALL');
  assert.equal(plain.sms_delivery, null);
});

test('forged, malformed or unknown reports: a 4xx JSON error and nothing changes', async () => {
  const { k } = S;
  const before = await outbox('sent');
  const forged = 'A'.repeat(32);
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}?type=2`), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}?type=16`), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/sms-delivery/short?type=1'), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${'A'.repeat(31)}%25?type=1`), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}?type=3`), 400, 'bad_query');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}?type=1x`), 400, 'bad_query');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}?type=`), 400, 'bad_query');
  assertError(await k.req('GET', `/api/v1/sms-delivery/${forged}`), 400, 'bad_query');
  assertError(await k.req('POST', `/api/v1/sms-delivery/${forged}?type=1`), 405);
  assert.deepEqual(await outbox('sent'), before);
});

test('an sms_dlr_base that is not an http(s) address stops kapka at start, saying so', async () => {
  for (const base of ['ftp://10.0.0.5', '10.0.0.5:8080', 'http://10.0.0.5/?x=1']) {
    await assert.rejects(startKapka({ env: { ...S.kannel.kapkaEnv, KAPKA_SMS_DLR_BASE: base } }),
      /sms_dlr_base must be an http:\/\/ or https:\/\/ address/, base);
  }
});
