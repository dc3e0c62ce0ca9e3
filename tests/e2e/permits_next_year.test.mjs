// permits_next_year.test.mjs: a permit's year and its trip, on a server whose clock is set.
// In December a carrier applies for next year's permit once the ministry has opened next
// year's quota (before December it may not); the permit is not valid, at the verifier or at
// the border, until 1 January (issue 13, finding 3: a 2027 permit was valid on 6 December
// 2026); a departure in the past, before the permit's year or after its expiry is refused;
// and the demonstration QR form ("0." in front) is never valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServersAt, carrierWithFleet, apply, issue, createQuota, assertRefused, assertError, sleep,
} from './permits_helpers.test.mjs';

const serverAt = useServersAt();
const verify = (k, qr, country = 'UZ') => k.req('POST', '/api/v1/verify', { body: { qr, country } });
const codes = (r) => r.json.reasons.map((x) => x.code);

test('10 December 2026: next year\'s permit is issued once its quota is open, and waits for 1 January', async () => {
  const { k, tok } = await serverAt('2026-12-10T09:00:00+06:00');
  const c = await carrierWithFleet(k, 3);
  const base = { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id };
  // no quota for 2027 yet
  const years = async () => (await k.req('GET', '/api/v1/permit-years', { token: c.token })).json;
  assert.deepEqual(await years(), { years: [2026], current: 2026, next_year_open: false });
  assertRefused(await apply(k, c.token, { ...base, year: 2027 }), ['INSUFFICIENT_PERMIT_QUOTA']);
  await createQuota(k, tok.ministry, { partner: 'UZ', type: 1, year: 2027, start_number: 1, end_number: 10 });
  assert.deepEqual(await years(), { years: [2026, 2027], current: 2026, next_year_open: true });
  // a departure before the permit's year begins
  assertRefused(await apply(k, c.token, { ...base, year: 2027, trip: { departure_date: '2026-12-20' } }),
    ['DEPARTURE_BEFORE_VALIDITY']);
  const p = await issue(k, c.token, { ...base, year: 2027, trip: { departure_date: '2027-01-05' } });
  assert.equal(p.id, 'KG-UZ-2027-1-1');
  assert.equal(p.valid_until, '31/01/2028');
  const v = await verify(k, p.qr);
  assert.equal(v.json.valid, false);
  assert.deepEqual(codes(v), ['NOT_YET_VALID']);
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE' } }),
    422, 'NOT_YET_VALID');
  // two years ahead: not open
  assertRefused(await apply(k, c.token, { ...base, year: 2028 }), ['PERMIT_YEAR_NOT_OPEN', 'INSUFFICIENT_PERMIT_QUOTA']);
  // this year's permit: the departure may not be past, nor after the permit expires (31/01/2027)
  const now = { ...base, vehicle_id: c.vehicles[1].id };
  assertRefused(await apply(k, c.token, { ...now, trip: { departure_date: '2026-12-09' } }), ['DEPARTURE_IN_PAST']);
  assertRefused(await apply(k, c.token, { ...now, trip: { departure_date: '2027-02-01' } }), ['DEPARTURE_AFTER_EXPIRY']);
  const bad = await apply(k, c.token, { ...now, trip: { departure_date: '20/12/2026' } });
  const e = assertError(bad, 422, 'invalid_field');
  assert.ok(e.fields.some((f) => f.field === 'trip.departure_date'), bad.text);
  const ok = await issue(k, c.token, { ...now, trip: { departure_date: '2027-01-31' } });
  assert.equal((await verify(k, ok.qr)).json.valid, true);
  // the demonstration form of the same, valid, credential: never valid
  const demo = await verify(k, `0.${ok.qr}`);
  assert.equal(demo.json.valid, false);
  assert.deepEqual(codes(demo), ['DEMO_CREDENTIAL']);
});

test('20 November 2026: next year\'s permits cannot be applied for yet, even with the quota open', async () => {
  const { k, tok } = await serverAt('2026-11-20T09:00:00+06:00');
  await createQuota(k, tok.ministry, { partner: 'UZ', type: 1, year: 2027, start_number: 1, end_number: 10 });
  const c = await carrierWithFleet(k, 1);
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id, year: 2027 }),
    ['PERMIT_YEAR_NOT_OPEN']);
  assert.deepEqual((await k.req('GET', '/api/v1/permit-years', { token: c.token })).json.years, [2026]);
});

test('issued in the last seconds of 2026, a 2027 permit is valid from midnight in Bishkek', async () => {
  const { k, tok } = await serverAt('2026-12-31T23:59:56+06:00');
  // Serials the demonstration quota never uses: on a loaded machine the demonstration data
  // may already be written past midnight, with its own 2027 quota of serials 1-1000.
  await createQuota(k, tok.ministry, { partner: 'UZ', type: 1, year: 2027, start_number: 5001, end_number: 5010 });
  const c = await carrierWithFleet(k, 1);
  const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id, year: 2027 });
  // (that it is not valid before midnight is the first test's, on a clock far from it)
  while (k.now() < Date.parse('2027-01-01T00:00:01+06:00')) await sleep(200);
  const afterMidnight = await verify(k, p.qr);
  assert.equal(afterMidnight.json.valid, true, afterMidnight.text);
});
