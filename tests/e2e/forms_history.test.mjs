// Moving a booking in one step and the status history of bookings, permits and permit
// applications (issue 17): the move keeps the booking's id, takes the new hour's place and
// gives the old one back in one transaction, and a refusal leaves everything as it was;
// each history lists who (by role) did what and when, only to those who may see the object.
import test from 'node:test';
import assert from 'node:assert/strict';
import { newTraveller, assertError } from './lib.mjs';
import { usePermitServer, carrierWithFleet, apply } from './permits_helpers.test.mjs';

const srv = usePermitServer({ now: '2026-12-20T10:00:00+06:00' });
const CP = '/api/v1/checkpoints';
const local = (days) => new Date(srv.k.now() + 360 * 60000 + days * 86400000).toISOString().slice(0, 10);

async function hourSlots(k, tok, flow, fromHour, n) {
  const r = await k.req('POST', `${CP}/dostyk/slots`, { token: tok.ministry, body: { flow, date: local(4), from_hour: fromHour, to_hour: fromHour + n, capacity: 1 } });
  assert.equal(r.status, 201, r.text);
  return r.json.items;
}
const booked = async (k, id) => {
  const items = (await k.req('GET', `${CP}/dostyk/slots?date=${local(4)}&flow=car`)).json.items;
  return items.find((s) => s.id === id).booked;
};

test('a booking moves to another hour in one step; refusals change nothing', async () => {
  const { k, tok } = srv;
  const [a, b, c] = await hourSlots(k, tok, 'car', 9, 3);
  const t = await newTraveller(k);
  const other = await newTraveller(k);
  const plate = `MV${String(process.pid % 10000).padStart(4, '0')}`;
  const made = await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: a.id, plate } });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const move = (slot, token = t.token) => k.req('POST', `/api/v1/bookings/${id}/move`, { token, body: { slot_id: slot } });

  const moved = await move(b.id);
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.id, id, 'the same booking');
  assert.equal(moved.json.slot_id, b.id);
  assert.equal(moved.json.status, 'booked');
  assert.equal(await booked(k, a.id), 0, 'the old hour is freed');
  assert.equal(await booked(k, b.id), 1);

  // refusals: each leaves the booking in hour b and the counters as they were
  assertError(await move(b.id), 409, 'SAME_SLOT');
  const full = await k.req('POST', '/api/v1/bookings', { token: other.token, body: { slot_id: c.id, plate: `MW${String(process.pid % 10000).padStart(4, '0')}` } });
  assert.equal(full.status, 201, full.text);
  assertError(await move(c.id), 409, 'SLOT_FULL');
  assertError(await move(b.id, other.token), 404, 'not_found');
  assertError(await move(c.id, other.token), 404, 'not_found');
  const none = assertError(await move(987654321), 422, 'invalid_field');
  assert.deepEqual(none.fields.map((f) => `${f.field} ${f.code}`), ['slot_id no_slot']);
  const bad = assertError(await k.req('POST', `/api/v1/bookings/${id}/move`, { token: t.token, body: { slot_id: 'soon' } }), 422, 'invalid_field');
  assert.deepEqual(bad.fields.map((f) => `${f.field} ${f.code}`), ['slot_id number_range']);
  const [truck] = await hourSlots(k, tok, 'truck', 9, 1);
  assertError(await move(truck.id), 422, 'SLOT_MISMATCH');
  const still = await k.req('GET', `/api/v1/bookings/${id}`, { token: t.token });
  assert.equal(still.json.slot_id, b.id);
  assert.deepEqual([await booked(k, a.id), await booked(k, b.id), await booked(k, c.id)], [0, 1, 1]);

  // cancelled: stays cancelled
  assert.equal((await k.req('DELETE', `/api/v1/bookings/${id}`, { token: t.token })).status, 200);
  assertError(await move(a.id), 409, 'NOT_BOOKED');
  assert.equal(await booked(k, a.id), 0);

  // its history: booked, moved, cancelled, each by the traveller, in order
  const h = await k.req('GET', `/api/v1/bookings/${id}/history`, { token: t.token });
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json.items.map((x) => x.action), ['booking.create', 'booking.move', 'booking.cancel']);
  assert.deepEqual(h.json.items.map((x) => x.status), ['booked', 'booked', 'cancelled']);
  assert.ok(h.json.items.every((x) => x.by === 'traveller' && x.you === true));
  assert.deepEqual([h.json.items[1].before.slot_id, h.json.items[1].after.slot_id], [a.id, b.id]);
  assert.ok(h.json.items.every((x, i) => i === 0 || x.at >= h.json.items[i - 1].at));
  assertError(await k.req('GET', `/api/v1/bookings/${id}/history`, { token: other.token }), 404, 'not_found');
  const seen = await k.req('GET', `/api/v1/bookings/${id}/history`, { token: tok.ministry });
  assert.equal(seen.json.items.length, 3);
  assert.ok(seen.json.items.every((x) => x.you === false));
  assert.doesNotMatch(seen.text, new RegExp(t.user?.username || 'no-such-name'), 'names no one');
});

test('a permit and its application: history to their carrier and officials only', async () => {
  const { k, tok } = srv;
  const c = await carrierWithFleet(k, 1, { kind: 'truck' });
  const trip = { route: 'Osh - Dostyk - Andijan', departure_date: local(2), cargo: 'dried apricots' };
  const r = await apply(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: c.vehicles[0].id, trip });
  assert.equal(r.status, 201, r.text);
  const app = r.json.application;
  const permit = r.json.permit;
  assert.ok(permit, r.text);
  const back = await k.req('POST', `/api/v1/permits/${permit.id}/return`, { token: c.token });
  assert.equal(back.status, 200, back.text);

  const ph = await k.req('GET', `/api/v1/permits/${permit.id}/history`, { token: c.token });
  assert.equal(ph.status, 200, ph.text);
  assert.deepEqual(ph.json.items.map((x) => x.action), ['permit.issue', 'permit.return']);
  assert.equal(ph.json.items.at(-1).status, 'returned');
  assert.ok(ph.json.items.every((x) => x.you === true && x.by === 'carrier'));
  const ah = await k.req('GET', `/api/v1/permit-applications/${app.id}/history`, { token: c.token });
  assert.equal(ah.status, 200, ah.text);
  assert.equal(ah.json.items[0].action, 'permit_application.create');

  const rival = await carrierWithFleet(k, 0);
  assertError(await k.req('GET', `/api/v1/permits/${permit.id}/history`, { token: rival.token }), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/permit-applications/${app.id}/history`, { token: rival.token }), 404, 'not_found');
  for (const who of ['ministry', 'officer', 'auditor']) {
    const x = await k.req('GET', `/api/v1/permits/${permit.id}/history`, { token: tok[who] });
    assert.equal(x.status, 200, `${who}: ${x.text}`);
    assert.equal(x.json.items.length, 2);
  }
  assertError(await k.req('GET', `/api/v1/permit-applications/${app.id}/history`, { token: tok.officer }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/permits/KG-UZ-1999-1-0/history', { token: tok.ministry }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/permit-applications/0/history', { token: tok.ministry }), 404, 'not_found');
});

test('a border-zone application: its history to the traveller and officials only', async () => {
  const { k, tok } = srv;
  const t = await newTraveller(k);
  const apps = (await k.req('GET', '/api/v1/zone-permit-applications', { token: tok.traveller })).json.items;
  assert.ok(apps.length > 0, 'the demo traveller has an application');
  const id = apps[0].id;
  const mine = await k.req('GET', `/api/v1/zone-permit-applications/${id}/history`, { token: tok.traveller });
  assert.equal(mine.status, 200, mine.text);
  assert.ok(Array.isArray(mine.json.items));
  assertError(await k.req('GET', `/api/v1/zone-permit-applications/${id}/history`, { token: t.token }), 404, 'not_found');
  assert.equal((await k.req('GET', `/api/v1/zone-permit-applications/${id}/history`, { token: tok.ministry })).status, 200);
  assertError(await k.req('GET', `/api/v1/zone-permit-applications/${id}/history`, { token: tok.carrier }), 403, 'forbidden');
});

test('two bookings racing into the last place of an hour: one moves, the other stays', async () => {
  const { k, tok } = srv;
  const [x, y, z] = await hourSlots(k, tok, 'car', 14, 3);
  const drivers = [await newTraveller(k), await newTraveller(k)];
  const ids = [];
  for (const [i, d] of drivers.entries()) {
    const b = await k.req('POST', '/api/v1/bookings', { token: d.token, body: { slot_id: [y, z][i].id, plate: `RC${i}${String(process.pid % 10000).padStart(4, '0')}` } });
    assert.equal(b.status, 201, b.text);
    ids.push(b.json.id);
  }
  const answers = await Promise.all(drivers.map((d, i) => k.req('POST', `/api/v1/bookings/${ids[i]}/move`, { token: d.token, body: { slot_id: x.id } })));
  assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], answers.map((r) => r.text).join(' | '));
  assert.equal(answers.find((r) => r.status === 409).json.error.code, 'SLOT_FULL');
  assert.deepEqual([await booked(k, x.id), await booked(k, y.id) + await booked(k, z.id)], [1, 1], 'one place each, none lost or doubled');
});
