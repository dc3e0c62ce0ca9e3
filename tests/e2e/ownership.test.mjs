// ownership.test.mjs: object-level access of temporary imports and the booked queue (issue
// "hold under abuse", found 1 and 2). Each test first does what the audit did:
//   1. a traveller typing another person's plate got back that person's name and passport,
//      and a second call with an origin outside the customs union closed the victim's TIP;
//   2. a traveller booked a carrier's truck (the carrier then got 409 on its own truck),
//      priority was self-declared, and one free account filled a slot with invented plates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, carrierWithFleet, newTraveller, newPlate, normPlate, assertError, awayFromHourEnd, localDate } from './permits_helpers.test.mjs';

const srv = usePermitServer({ now: awayFromHourEnd() });
const CP = '/api/v1/checkpoints';

function day(days) {
  return localDate(days);
}

let seq = 0;
const foreignPlate = () => `OW ${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(3, '0')} FR`;

// A TIP is opened only at a checkpoint bordering the country the car came from, open to
// cars that day (issue 13): Korday from Kazakhstan, Dostyk (round the clock) from Uzbekistan.
const BORDER = { KZ: 'korday', UZ: 'dostyk' };
function tipBody(plate, over = {}) {
  const from = over.entered_from || 'KZ';
  return { plate, plate_country: 'FR', kind: 'car', owner_name: 'Marie Dupont', owner_passport: '12AB34567',
    entry_checkpoint: BORDER[from], entered_from: from, entry_date: day(-3), term_months: 6, ...over };
}

test('found 1: another traveller typing my plate learns nothing and cannot close or take over my TIP', async () => {
  const { k, tok } = srv;
  const owner = await newTraveller(k);
  const stranger = await newTraveller(k);
  const plate = foreignPlate();
  const mine = await k.req('POST', '/api/v1/tips', { token: owner.token, body: tipBody(plate, { entered_from: 'UZ' }) });
  assert.equal(mine.status, 201, mine.text);
  const id = mine.json.tip.id;
  const before = (await k.req('GET', `/api/v1/tips/${id}`, { token: owner.token })).json;

  // the audit's two calls: from a union member (was "kept", answering the owner's record),
  // then from outside the union (was "replaced", closing the owner's TIP)
  for (const from of ['KZ', 'UZ']) {
    const r = await k.req('POST', '/api/v1/tips', { token: stranger.token, body: tipBody(plate, { entered_from: from, owner_name: 'Mallory', owner_passport: '99ZZ99999' }) });
    assertError(r, 409, 'TIP_HELD_BY_ANOTHER_ACCOUNT');
    assert.ok(!r.text.includes('Marie') && !r.text.includes('12AB34567'), r.text);
    assert.equal(r.json.tip, undefined, r.text);
  }
  const after = (await k.req('GET', `/api/v1/tips/${id}`, { token: owner.token })).json;
  assert.deepEqual(after, before, 'the owner\'s TIP is unchanged');
  assert.equal((await k.req('GET', '/api/v1/tips', { token: stranger.token })).json.items.length, 0);
  assertError(await k.req('GET', `/api/v1/tips/${id}`, { token: stranger.token }), 404, 'not_found');
  assertError(await k.req('POST', `/api/v1/tips/${id}/ecotax-payment`, { token: stranger.token, body: { reference: 'X' } }), 404, 'not_found');

  // the owner's own re-entry still works; the officer at the checkpoint acts on any vehicle
  const again = await k.req('POST', '/api/v1/tips', { token: owner.token, body: tipBody(plate) });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.action, 'kept');
  const officer = await k.req('POST', '/api/v1/tips', { token: tok.officer, body: tipBody(plate) });
  assert.equal(officer.status, 200, officer.text);
});

// The current hour in Kyrgyzstan on the server's clock, as a local date and hour. The
// server started at least five minutes before the end of an hour (awayFromHourEnd).
function localHour(k) {
  const d = new Date(k.now() + 360 * 60000);
  return { date: d.toISOString().slice(0, 10), hour: d.getUTCHours() };
}

async function openSlot(k, token, code, flow, capacity) {
  const { date, hour } = localHour(k);
  const r = await k.req('POST', `${CP}/${code}/slots`, { token, body: { flow, date, from_hour: hour, to_hour: hour + 1, capacity } });
  assert.equal(r.status, 201, r.text);
  return r.json.items[0];
}

test('found 2: a booking is for a vehicle the booker is entitled to; the owner books and cancels its own truck', async () => {
  const { k, tok } = srv;
  const slot = await openSlot(k, tok.officer, 'dostyk', 'truck', 10);
  const carrier = await carrierWithFleet(k, 2);
  const rival = await carrierWithFleet(k, 1);
  const traveller = await newTraveller(k);
  const truck = carrier.vehicles[0].plate;

  // the audit's takeover: a traveller, then another carrier, book the carrier's truck
  for (const token of [traveller.token, rival.token]) {
    const r = await k.req('POST', '/api/v1/bookings', { token, body: { slot_id: slot.id, plate: truck } });
    assertError(r, 422, 'VEHICLE_NOT_YOURS');
    assert.ok(!r.text.includes(carrier.org.name) && !r.text.includes(carrier.body.inn ?? '\u0000'), r.text);
    assertError(await k.req('POST', `${CP}/dostyk/queue`, { token, body: { flow: 'truck', plate: truck } }), 422, 'VEHICLE_NOT_YOURS');
  }
  // invented plates: refused for a carrier
  assertError(await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: newPlate() } }), 422, 'VEHICLE_NOT_YOURS');
  // the owner books its own truck and can cancel it
  const own = await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: truck } });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.plate, normPlate(truck));
  const gone = await k.req('DELETE', `/api/v1/bookings/${own.json.id}`, { token: carrier.token });
  assert.equal(gone.status, 200, gone.text);
  assert.equal(gone.json.status, 'cancelled');
  // a retired vehicle cannot be booked
  const retired = carrier.vehicles[1];
  const st = await k.req('PUT', `/api/v1/vehicles/${retired.id}/status`, { token: carrier.token, body: { status: 'retired' } });
  assert.equal(st.status, 200, st.text);
  assertError(await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: retired.plate } }), 422, 'VEHICLE_NOT_YOURS');
  // a traveller may not book a vehicle someone else holds a temporary import for
  const other = await newTraveller(k);
  const car = foreignPlate();
  assert.equal((await k.req('POST', '/api/v1/tips', { token: other.token, body: tipBody(car) })).status, 201);
  const carSlot = await openSlot(k, tok.officer, 'dostyk', 'car', 10);
  assertError(await k.req('POST', '/api/v1/bookings', { token: traveller.token, body: { slot_id: carSlot.id, plate: car } }), 422, 'VEHICLE_NOT_YOURS');
  const ownCar = await k.req('POST', '/api/v1/bookings', { token: other.token, body: { slot_id: carSlot.id, plate: car } });
  assert.equal(ownCar.status, 201, ownCar.text);
  // a suspended carrier cannot book
  const sus = await k.req('PUT', `/api/v1/organisations/${rival.org.id}/status`, { token: tok.ministry, body: { status: 'suspended', reason: 'test' } });
  assert.equal(sus.status, 200, sus.text);
  assertError(await k.req('POST', '/api/v1/bookings', { token: rival.token, body: { slot_id: slot.id, plate: rival.vehicles[0].plate } }), 403, 'ORGANISATION_SUSPENDED');
});

test('found 2: priority is granted by an officer, not declared; the lane cap holds', async () => {
  const { k, tok } = srv;
  const slot = await openSlot(k, tok.officer, 'ak-tilek', 'truck', 20); // the demo opens none there
  assert.equal(slot.priority_cap, 1);
  const carrier = await carrierWithFleet(k, 2);
  const declared = await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: carrier.vehicles[0].plate, priority: 'perishable' } });
  const err = assertError(declared, 422, 'invalid_field');
  assert.ok(err.fields.some((f) => f.field === 'priority'), declared.text);
  const a = await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: carrier.vehicles[0].plate } });
  const b = await k.req('POST', '/api/v1/bookings', { token: carrier.token, body: { slot_id: slot.id, plate: carrier.vehicles[1].plate } });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(a.json.priority, null);
  // the driver cannot grant itself priority
  assertError(await k.req('PUT', `/api/v1/bookings/${a.json.id}/priority`, { token: carrier.token, body: { priority: 'perishable' } }), 403, 'forbidden');
  const g = await k.req('PUT', `/api/v1/bookings/${a.json.id}/priority`, { token: tok.officer, body: { priority: 'perishable' } });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.priority, 'perishable');
  assertError(await k.req('PUT', `/api/v1/bookings/${b.json.id}/priority`, { token: tok.officer, body: { priority: 'postal' } }), 409, 'PRIORITY_LANE_FULL');
  assertError(await k.req('PUT', `/api/v1/bookings/${b.json.id}/priority`, { token: tok.officer, body: { priority: 'vip' } }), 422, 'invalid_field');
  // withdrawn, the lane place is free again
  const w = await k.req('PUT', `/api/v1/bookings/${a.json.id}/priority`, { token: tok.officer, body: { priority: null } });
  assert.equal(w.json.priority, null);
  const g2 = await k.req('PUT', `/api/v1/bookings/${b.json.id}/priority`, { token: tok.officer, body: { priority: 'postal' } });
  assert.equal(g2.status, 200, g2.text);
  const r = await k.req('GET', `${CP}/ak-tilek/slots?flow=truck`);
  assert.equal(r.json.items.find((s) => s.id === slot.id).priority_booked, 1);
});

test('found 2: one account cannot fill a slot: the per-account cap is exact under a race', async () => {
  const { k, tok } = srv;
  const slot = await openSlot(k, tok.officer, 'dostyk', 'car', 42);
  const booked = async () => (await k.req('GET', `${CP}/dostyk/slots?flow=car`)).json.items.find((s) => s.id === slot.id).booked;
  const start = await booked();
  const t = await newTraveller(k);
  const answers = await Promise.all(Array.from({ length: 12 }, () =>
    k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: slot.id, plate: foreignPlate() } })));
  const ok = answers.filter((a) => a.status === 201).length;
  const capped = answers.filter((a) => a.status === 409 && a.json.error.code === 'BOOKING_CAP_REACHED').length;
  assert.equal(ok, 2, answers.map((a) => a.text).join('\n'));
  assert.equal(capped, 10);
  // the live queue counts too; cancelling one frees a place
  assertError(await k.req('POST', `${CP}/dostyk/queue`, { token: t.token, body: { flow: 'car', plate: foreignPlate() } }), 409, 'BOOKING_CAP_REACHED');
  const first = answers.find((a) => a.status === 201).json;
  assert.equal((await k.req('DELETE', `/api/v1/bookings/${first.id}`, { token: t.token })).status, 200);
  const again = await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: slot.id, plate: foreignPlate() } });
  assert.equal(again.status, 201, again.text);
  assert.equal(await booked(), start + 2);
});
