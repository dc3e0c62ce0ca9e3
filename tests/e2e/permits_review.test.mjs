// permits_review.test.mjs: the ministry's review queue. A permit type set to review
// "always" (or "first_permit") answers 202 pending_review; the ministry approves (the
// permit is issued then, 201) or rejects, with a reason kept in the application and the
// audit log; a decided application cannot be decided again (409).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, newCarrier, assertError, carrierWithFleet, apply, setPermitType, quotaById, createQuota,
  applicationById, assertRefused, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

const decide = (k, id, body, token = srv.tok.ministry) =>
  k.req('POST', `/api/v1/permit-applications/${id}/decision`, { token, body });

async function queue(k, c, body) {
  const r = await apply(k, c.token, body);
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.decision, 'pending_review');
  assert.equal(r.json.application.status, 'pending_review');
  assert.ok(!('permit' in r.json), r.text);
  assert.equal(r.json.application.permit_id, null);
  return r.json.application;
}

async function decisionsInAudit(k, id) {
  const r = await k.req('GET', `/api/v1/audit?object_type=permit_application&object_id=${id}`, { token: srv.tok.auditor });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((e) => e.action === 'permit_application.decide');
}

// The tests here set TRANSIT's (type 2) review rule each for itself; the server is this
// file's alone.
test('review "always": 202 pending_review, listed for the ministry, no serial spent', async () => {
  const { k, tok } = srv;
  const q = await createQuota(k, tok.ministry, { partner: 'KZ', type: 2, start_number: 1, end_number: 20 });
  const t = await setPermitType(k, tok.ministry, 2, { review: 'always' });
  assert.equal(t.review, 'always');
  assert.equal((await k.req('GET', '/api/v1/permit-types')).json.items.find((x) => x.code === 2).review, 'always');
  const c = await carrierWithFleet(k, 1);
  const ap = await queue(k, c, { partner: 'KZ', type: 'TRANSIT', vehicle_id: c.vehicles[0].id, trip: { route: 'Bishkek - Almaty - Moscow' } });
  assert.equal((await quotaById(k, tok.ministry, q.id)).usage.remaining, 20, 'a queued application holds no serial');
  const pending = await k.req('GET', '/api/v1/permit-applications?status=pending_review', { token: tok.ministry });
  assert.equal(pending.status, 200, pending.text);
  assert.ok(pending.json.items.some((a) => a.id === ap.id), pending.text);
  assert.ok(pending.json.items.every((a) => a.status === 'pending_review'));
  const auditorView = await k.req('GET', '/api/v1/permit-applications?status=pending_review', { token: tok.auditor });
  assert.ok(auditorView.json.items.some((a) => a.id === ap.id));
  // The carrier sees its own; another carrier sees neither list entry nor the application.
  const mine = await k.req('GET', '/api/v1/permit-applications?status=pending_review', { token: c.token });
  assert.deepEqual(mine.json.items.map((a) => a.id), [ap.id]);
  const other = await newCarrier(k);
  assert.deepEqual((await k.req('GET', '/api/v1/permit-applications', { token: other.token })).json.items, []);
  assertError(await k.req('GET', `/api/v1/permit-applications/${ap.id}`, { token: other.token }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/permit-applications?status=maybe', { token: tok.ministry }), 400);
  // BILATERAL is still decided at once.
  const r = await apply(k, c.token, { partner: 'KZ', type: 1, vehicle_id: c.vehicles[0].id });
  assert.equal(r.status, 201, r.text);
});

test('approve with a reason: 201 with the permit; the reason is in the application and the audit log; twice → 409', async () => {
  const { k, tok } = srv;
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
  const c = await carrierWithFleet(k, 1);
  const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
  // Only the ministry decides, and it must say why.
  assertError(await decide(k, ap.id, { approve: true, reason: 'mine' }, c.token), 403);
  assertError(await decide(k, ap.id, { approve: true, reason: 'looks fine' }, tok.auditor), 403);
  assertError(await decide(k, ap.id, { approve: true }), 422, 'invalid_field');
  assertError(await decide(k, ap.id, { approve: 'yes', reason: 'x' }), 422, 'invalid_field');
  assertError(await decide(k, 99999999, { approve: true, reason: 'x' }), 404, 'not_found');
  assert.equal((await applicationById(k, tok.ministry, ap.id)).status, 'pending_review');

  const r = await decide(k, ap.id, { approve: true, reason: 'waybill and CMR checked' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.decision, 'issued');
  const p = r.json.permit;
  assert.match(p.id, new RegExp(`^KG-UZ-${YEAR}-2-\\d+$`));
  assert.equal(r.headers.get('location'), `/api/v1/permits/${p.id}`);
  assert.equal(p.organisation_id, c.org.id, 'the permit belongs to the carrier, not the ministry');
  assert.equal(p.company_name, c.org.name);
  assert.equal(p.plate, c.vehicles[0].plate);
  assert.equal(p.application_id, ap.id);
  const stored = await applicationById(k, tok.ministry, ap.id);
  assert.equal(stored.status, 'issued');
  assert.equal(stored.permit_id, p.id);
  assert.equal(stored.decision_reason, 'waybill and CMR checked');
  const mine = await k.req('GET', '/api/v1/permits', { token: c.token });
  assert.deepEqual(mine.json.items.map((x) => x.id), [p.id]);
  assert.equal((await k.req('POST', '/api/v1/verify', { body: { qr: p.qr } })).json.valid, true);

  const decisions = await decisionsInAudit(k, ap.id);
  assert.equal(decisions.length, 1, JSON.stringify(decisions));
  assert.equal(decisions[0].actor, 'ministry');
  assert.equal(decisions[0].before.status, 'pending_review');
  assert.equal(decisions[0].after.status, 'issued');
  assert.equal(decisions[0].after.reason, 'waybill and CMR checked');
  assert.equal(decisions[0].after.permit_id, p.id);

  for (const approve of [true, false]) assertError(await decide(k, ap.id, { approve, reason: 'again' }), 409, 'not_pending');
  assert.equal((await decisionsInAudit(k, ap.id)).length, 1);
});

test('reject with a reason: 200 rejected, no permit; twice → 409', async () => {
  const { k, tok } = srv;
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
  const c = await carrierWithFleet(k, 1);
  const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
  const r = await decide(k, ap.id, { approve: false, reason: 'cargo not allowed in transit' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.decision, 'rejected');
  assert.equal(r.json.application.status, 'rejected');
  assert.equal(r.json.application.decision_reason, 'cargo not allowed in transit');
  assert.ok(!('permit' in r.json));
  const stored = await applicationById(k, tok.ministry, ap.id);
  assert.equal(stored.status, 'rejected');
  assert.equal(stored.permit_id, null);
  assert.equal(stored.decision_reason, 'cargo not allowed in transit');
  const mine = await applicationById(k, c.token, ap.id);
  assert.equal(mine.decision_reason, 'cargo not allowed in transit', 'the carrier reads why');
  assert.deepEqual((await k.req('GET', '/api/v1/permits', { token: c.token })).json.items, []);
  const decisions = await decisionsInAudit(k, ap.id);
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0].after.status, 'rejected');
  assert.equal(decisions[0].after.reason, 'cargo not allowed in transit');
  for (const approve of [true, false]) assertError(await decide(k, ap.id, { approve, reason: 'again' }), 409, 'not_pending');
  const rejected = await k.req('GET', '/api/v1/permit-applications?status=rejected', { token: tok.ministry });
  assert.ok(rejected.json.items.some((a) => a.id === ap.id));
});

test('approval re-checks the rules: a carrier suspended meanwhile is refused, not issued', async () => {
  const { k, tok } = srv;
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
  const c = await carrierWithFleet(k, 1);
  const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
  const s = await k.req('PUT', `/api/v1/organisations/${c.org.id}/status`, { token: tok.ministry, body: { status: 'suspended', reason: 'audit' } });
  assert.equal(s.status, 200, s.text);
  const r = await decide(k, ap.id, { approve: true, reason: 'approved before the audit' });
  const stored = await applicationById(k, tok.ministry, ap.id);
  assert.equal(stored.status, 'refused');
  assert.deepEqual(stored.reasons.map((x) => x.code), ['CARRIER_SUSPENDED']);
  assert.equal(stored.decision_reason, 'approved before the audit');
  assert.deepEqual((await k.req('GET', '/api/v1/permits', { token: c.token })).json.items, []);
  assertError(r, 422, 'CARRIER_SUSPENDED');
  assert.deepEqual(r.json.error.reasons.map((x) => x.code), ['CARRIER_SUSPENDED']);
  assert.equal(r.json.application.status, 'refused');
  assertError(await decide(k, ap.id, { approve: true, reason: 'again' }), 409, 'not_pending');
});

test('approval when the quota ran out meanwhile: INSUFFICIENT_PERMIT_QUOTA', async () => {
  const { k, tok } = srv;
  await createQuota(k, tok.ministry, { partner: 'AZ', type: 2, start_number: 1, end_number: 1 });
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
  const a = await carrierWithFleet(k, 1);
  const b = await carrierWithFleet(k, 1);
  const first = await queue(k, a, { partner: 'AZ', type: 2, vehicle_id: a.vehicles[0].id });
  const second = await queue(k, b, { partner: 'AZ', type: 2, vehicle_id: b.vehicles[0].id });
  assert.equal((await decide(k, first.id, { approve: true, reason: 'ok' })).status, 201);
  const r = await decide(k, second.id, { approve: true, reason: 'ok' });
  assertError(r, 422, 'INSUFFICIENT_PERMIT_QUOTA');
  const stored = await applicationById(k, tok.ministry, second.id);
  assert.equal(stored.status, 'refused');
  assert.deepEqual(stored.reasons.map((x) => x.code), ['INSUFFICIENT_PERMIT_QUOTA']);
});

test('a refused approval answers like a refused application: the application in the answer has the reasons',
  async () => {
    const { k, tok } = srv;
    await setPermitType(k, tok.ministry, 2, { review: 'always' });
    const c = await carrierWithFleet(k, 1);
    const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
    const s = await k.req('PUT', `/api/v1/organisations/${c.org.id}/status`, { token: tok.ministry, body: { status: 'suspended', reason: 'audit' } });
    assert.equal(s.status, 200, s.text);
    assertRefused(await decide(k, ap.id, { approve: true, reason: 'ok' }), ['CARRIER_SUSPENDED']);
  });

test('the audit entry of a decision holds its failed checks as JSON, like the entry of an application',
  async () => {
    const { k, tok } = srv;
    await setPermitType(k, tok.ministry, 2, { review: 'always' });
    const c = await carrierWithFleet(k, 1);
    const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
    assert.equal((await decide(k, ap.id, { approve: true, reason: 'ok' })).status, 201);
    const [d] = await decisionsInAudit(k, ap.id);
    assert.deepEqual(d.after.reasons, []);
  });

test('review "first_permit": a carrier\'s first permit of a type is reviewed, later ones are not', async () => {
  const { k, tok } = srv;
  await setPermitType(k, tok.ministry, 2, { review: 'first_permit' });
  const c = await carrierWithFleet(k, 2);
  const ap = await queue(k, c, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
  assert.equal((await decide(k, ap.id, { approve: true, reason: 'known carrier now' })).status, 201);
  const r = await apply(k, c.token, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[1].id });
  assert.equal(r.status, 201, r.text);
  assertError(await k.req('PUT', '/api/v1/permit-types/2', { token: tok.ministry, body: { review: 'sometimes' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/permit-types/2', { token: c.token, body: { review: 'never' } }), 403);
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
});
