// permits_carrier_check.test.mjs: a carrier that registered a minute ago gets no permit
// until the ministry has checked its carrier licence and tax number (issue 17, finding 12);
// the carrier sees what is pending; a rejection says why; staff-registered and existing
// carriers need no check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, newCarrier, addVehicle, apply, issue, assertRefused, assertError, DEMO_PASSWORD,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();
const decide = (k, token, id, body) => k.req('POST', `/api/v1/carrier-verifications/${id}`, { token, body });

test('a new carrier waits for the ministry, is told what is pending, and gets permits once verified', async () => {
  const { k, tok } = srv;
  const c = await newCarrier(k, {}, { verified: false });
  const v = await addVehicle(k, c.token);
  const mine = await k.req('GET', '/api/v1/carrier-verification', { token: c.token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.status, 'pending');
  assert.deepEqual(mine.json.pending, ['licence', 'inn']);
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id }), ['CARRIER_NOT_VERIFIED']);

  const list = await k.req('GET', '/api/v1/carrier-verifications?status=pending', { token: tok.ministry });
  assert.ok(list.json.items.some((x) => x.organisation_id === c.org.id && x.licence_number === c.body.licence_number));

  // verified needs both checks; rejected needs a note
  let e = assertError(await decide(k, tok.ministry, c.org.id, { status: 'verified', licence_checked: true }), 422, 'invalid_field');
  assert.deepEqual(e.fields.map((f) => f.field), ['inn_checked']);
  e = assertError(await decide(k, tok.ministry, c.org.id, { status: 'rejected' }), 422, 'invalid_field');
  assert.deepEqual(e.fields.map((f) => f.field), ['note']);
  assertError(await decide(k, tok.ministry, c.org.id, { status: 'maybe', note: 'x' }), 422, 'invalid_field');
  assertError(await decide(k, tok.ministry, c.org.id, { status: 'verified', licence_checked: 'yes', inn_checked: true }), 422);
  for (const token of [c.token, tok.auditor, tok.officer]) {
    assertError(await decide(k, token, c.org.id, { status: 'verified', licence_checked: true, inn_checked: true }), 403);
  }

  const rej = await decide(k, tok.ministry, c.org.id, { status: 'rejected', licence_checked: true, note: 'the INN is not in the tax register' });
  assert.equal(rej.status, 200, rej.text);
  const told = (await k.req('GET', '/api/v1/carrier-verification', { token: c.token })).json;
  assert.equal(told.status, 'rejected');
  assert.equal(told.note, 'the INN is not in the tax register');
  assert.deepEqual(told.pending, ['inn']);
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id }), ['CARRIER_NOT_VERIFIED']);

  const ok = await decide(k, tok.ministry, c.org.id, { status: 'verified', licence_checked: true, inn_checked: true });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json.pending, []);
  await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
  const audit = await k.req('GET', `/api/v1/audit?object_type=organisation&object_id=${c.org.id}`, { token: tok.auditor });
  assert.deepEqual(audit.json.items.filter((x) => x.action === 'carrier.verification').map((x) => x.after.status), ['verified', 'rejected']);
});

test('carriers registered by staff, and the demo carrier, need no check; nothing else can be decided', async () => {
  const { k, tok } = srv;
  const demo = await k.login('carrier', DEMO_PASSWORD);
  const d = await k.req('GET', '/api/v1/carrier-verification', { token: demo });
  assert.equal(d.json.status, 'verified');
  assert.equal(d.json.requested_at, null);
  assertError(await decide(k, tok.ministry, d.json.organisation_id, { status: 'verified', licence_checked: true, inn_checked: true }), 404);
  assertError(await decide(k, tok.ministry, 999999, { status: 'verified', licence_checked: true, inn_checked: true }), 404);
  assertError(await k.req('GET', '/api/v1/carrier-verifications?status=odd', { token: tok.ministry }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/carrier-verification', { token: tok.ministry }), 403);
});
