// checkpoints.test.mjs: the "done when" of checkpoints, crossings and the booked queue,
// against the real binary with the demonstration data: Irkeshtam closed for lunch on the
// Kyrgyz side at 12:00 and on the Chinese side at 15:00 (Kyrgyz time); Torugart closed for
// the season in January; a car refused at Ak-Tilek and at Izboskan with the reason; the
// list with filters and the nearest open alternative; a truck without a permit flagged; a
// Kyrgyz carrier's own permit (through the normal apply flow) matched on exit; equipment
// keys limited to their checkpoint; 100 parallel bookings for a slot of 20 give exactly 20;
// check-in, the call and the time to reach the gate; the throughput report of a seeded day
// adding up (JSON and CSV); closures by the ministry; bad input answered 4xx, nothing stored.
//
// The two-instance test (an Uzbek truck with a UZ→KG permit at Dostyk, PERMIT_USED at the
// partner) is the partner exchange's; the store test (test_checkpoints.c) covers the
// ENTRANCE/EXIT on a partner's permit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, addVehicle, issue, assertError, YEAR, awayFromHourEnd } from './permits_helpers.test.mjs';

// The throughput test seeds crossings of a fixed past day: no backdating limit here.
const srv = usePermitServer({ now: awayFromHourEnd(), env: { KAPKA_CROSSING_BACKDATE_HOURS: '876000' } });
const CP = '/api/v1/checkpoints';

// A weekday without holidays on either side: Tuesday 24 November 2026.
const DAY = '2026-11-24';

async function status(k, code, query) {
  const r = await k.req('GET', `${CP}/${code}/status?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('done when: Irkeshtam lunch on each side, Torugart in January, cars refused at Ak-Tilek and Izboskan', async () => {
  const { k } = srv;
  let s = await status(k, 'irkeshtam', `at=${DAY}T12:00&mode=truck`);
  assert.equal(s.open, false);
  assert.deepEqual(s.reasons.map((r) => [r.code, r.side]), [['CLOSED_LUNCH', 'KG']]);
  assert.equal(s.local_time.KG, `${DAY}T12:00`);
  assert.equal(s.local_time.CN, `${DAY}T14:00`);
  assert.equal(s.next_open, `${DAY}T10:00:00Z`, 'opens at 16:00 Kyrgyz time, after the Chinese lunch');
  s = await status(k, 'irkeshtam', `at=${DAY}T15:00`);
  assert.deepEqual(s.reasons.map((r) => [r.code, r.side]), [['CLOSED_LUNCH', 'CN']]);
  assert.match(s.reasons[0].message, /CN side is closed for lunch/);
  s = await status(k, 'irkeshtam', `at=${encodeURIComponent(`${DAY}T10:00+06:00`)}`);
  assert.equal(s.open, true);
  assert.deepEqual(s.reasons, []);

  s = await status(k, 'torugart', 'at=2027-01-15T10:00&mode=truck');
  assert.equal(s.open, false);
  assert.equal(s.reasons[0].code, 'CLOSED_SEASON');
  assert.equal(s.next_open, '2027-05-25T03:00:00Z');
  assert.equal(s.permission_needed, true);

  for (const code of ['ak-tilek', 'izboskan']) {
    s = await status(k, code, `at=${DAY}T12:00&mode=car`);
    assert.equal(s.open, false, code);
    assert.equal(s.reasons[0].code, 'MODE_NOT_ALLOWED', code);
    assert.equal(s.reasons[0].detail, 'car');
    assert.match(s.reasons[0].message, /car traffic is not allowed/);
    assert.equal(s.next_open, null);
  }
  s = await status(k, 'izboskan', `at=${DAY}T12:00&mode=bicycle&foreign=true`);
  assert.equal(s.open, true);
  s = await status(k, 'karamyk', `at=${DAY}T12:00&mode=car&foreign=true`);
  assert.deepEqual(s.reasons.map((r) => r.code).sort(), ['CLOSED', 'FOREIGNERS_NOT_ALLOWED']);
});

test('the list filters by neighbour and mode and suggests the nearest open alternative', async () => {
  const { k } = srv;
  let r = await k.req('GET', `${CP}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 23, 'every crossing of the registry (with Kyzyl-Bel)');
  const codes = r.json.items.map((c) => c.code);
  for (const c of ['korday', 'ak-tilek', 'dostyk', 'kyzyl-art', 'irkeshtam', 'torugart', 'kazygurt', 'baqty']) assert.ok(codes.includes(c), c);
  const korday = r.json.items.find((c) => c.code === 'korday');
  assert.deepEqual(korday.posts, { KG: 'Ak-Zhol', KZ: 'Korday' });
  // each side's offset in the list too: the pages show a checkpoint's times in its own local time
  assert.deepEqual(korday.utc_offsets, { KG: 360, KZ: 300 });
  assert.equal(typeof korday.lat, 'number');
  assert.ok(korday.status && typeof korday.status.open === 'boolean');

  r = await k.req('GET', `${CP}?neighbour=CN&country=KG&mode=truck&at=${DAY}T12:00`);
  assert.deepEqual(r.json.items.map((c) => c.code).sort(), ['irkeshtam', 'torugart']);
  // both closed at 12:00 (lunch; season): no open alternative on that border then
  assert.ok(r.json.items.every((c) => c.status.open === false && c.alternative === null), r.text);

  r = await k.req('GET', `${CP}?neighbour=KZ&country=KG&mode=car&at=${DAY}T22:00`);
  const karkyra = r.json.items.find((c) => c.code === 'karkyra');
  assert.equal(karkyra.status.open, false, 'Karkyra keeps day hours');
  assert.equal(karkyra.status.reasons[0].code, 'CLOSED_HOURS');
  assert.equal(karkyra.alternative.code, 'korday', 'Korday is open round the clock');
  assert.ok(karkyra.alternative.distance_km > 100);

  r = await k.req('GET', `${CP}/irkeshtam`);
  assert.equal(r.status, 200);
  assert.equal(r.json.hours.length, 4);
  assert.deepEqual(r.json.utc_offsets, { KG: 360, CN: 480 });
  assert.equal(r.json.holiday_rule, 'both');

  assertError(await k.req('GET', `${CP}/nowhere/status`), 404, 'not_found');
  assertError(await k.req('GET', `${CP}/irkeshtam/status?at=tomorrow`), 400, 'bad_query');
  assertError(await k.req('GET', `${CP}/irkeshtam/status?mode=tank`), 400, 'bad_query');
  assertError(await k.req('GET', `${CP}?neighbour=china`), 400, 'bad_query');
  assertError(await k.req('GET', `${CP}/izboskan/status?foreign=perhaps`), 400, 'bad_query');
  assertError(await k.req('GET', `/api/v1/crossings?flagged=perhaps`, { token: srv.tok.officer }), 400, 'bad_query');
  assertError(await k.req('GET', `/api/v1/bookings?active=perhaps`, { token: srv.tok.officer }), 400, 'bad_query');
});

test('the ministry closes and reopens a crossing; others may not', async () => {
  const { k, tok } = srv;
  const body = { reason: 'snow on the pass', from: '2026-12-01T08:00', to: '2026-12-03T08:00' };
  assertError(await k.req('POST', `${CP}/irkeshtam/closures`, { token: tok.officer, body }), 403, 'forbidden');
  let r = await k.req('POST', `${CP}/irkeshtam/closures`, { token: tok.ministry, body });
  assert.equal(r.status, 201, r.text);
  const s = await status(k, 'irkeshtam', 'at=2026-12-02T10:00');
  assert.equal(s.reasons[0].code, 'CLOSED');
  assert.equal(s.reasons[0].detail, 'snow on the pass');
  assert.equal(s.next_open, '2026-12-03T03:00:00Z', 'the closure ends at 08:00; the posts open at 09:00 Kyrgyz time');
  r = await k.req('DELETE', `${CP}/irkeshtam/closures/${r.json.id}`, { token: tok.ministry });
  assert.equal(r.status, 200, r.text);
  assertError(await k.req('POST', `${CP}/irkeshtam/closures`, { token: tok.ministry, body: { reason: 'x', from: 'soon' } }), 422, 'invalid_field');
  r = await k.req('PUT', `${CP}/kyzyl-art`, { token: tok.ministry, body: { capacity: { truck: 150 }, modes: ['car', 'truck'] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.capacity.truck, 150);
  assert.deepEqual(r.json.modes, ['car', 'truck']);
  assertError(await k.req('PUT', `${CP}/kyzyl-art`, { token: tok.ministry, body: { modes: ['tank'] } }), 422, 'invalid_field');
  assertError(await k.req('PUT', `${CP}/kyzyl-art`, { token: tok.ministry, body: { capacity: { trains: 3 } } }), 422, 'invalid_field');
});

let plateSeq = 0;
const plate = (p = 'E') => `${p}${String(process.pid % 1000).padStart(3, '0')}${String(++plateSeq).padStart(4, '0')}`;

test('crossings: a truck without a permit is flagged; our carrier\'s permit is matched on exit', async () => {
  const { k, tok } = srv;
  const foreign = plate('UZ');
  let r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: {
    checkpoint: 'dostyk', direction: 'entry', vehicle_kind: 'truck', plate: foreign, vehicle_country: 'UZ', plate_source: 'camera',
    weight_kg: 47000, scan_result: 'clear', radiation_result: 'clear',
    persons: [{ name: 'Rustam Karimov', nationality: 'UZ', passport: 'FA1234567', driver: true }] } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.permit.match, 'none');
  assert.equal(r.json.permit.problem, 'NO_PERMIT');
  assert.deepEqual(r.json.flags, ['NO_PERMIT', 'OVERWEIGHT']);
  assert.equal(r.json.inspection, true);
  assert.equal(r.json.people, 1);
  const stored = await k.req('GET', `/api/v1/crossings/${r.json.id}`, { token: tok.ministry });
  assert.equal(stored.status, 200);
  assert.equal(stored.json.persons[0].passport, 'FA1234567');
  r = await k.req('GET', `/api/v1/crossings?flagged=true&plate=${foreign}`, { token: tok.officer });
  assert.equal(r.json.items.length, 1);

  // our carrier applies the normal way, then its truck leaves for Uzbekistan at Dostyk
  const v = await addVehicle(k, tok.carrier, { kind: 'truck' });
  const permit = await issue(k, tok.carrier, { partner: 'UZ', type: 'BILATERAL', vehicle_id: v.id });
  r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: {
    checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'truck', plate: v.plate, scan_result: 'clear' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.vehicle_country, 'KG');
  assert.equal(r.json.permit.match, 'own_permit');
  assert.equal(r.json.permit.id, permit.id);
  assert.deepEqual(r.json.flags, []);
  assert.equal(permit.year, YEAR);

  // a car at Ak-Tilek cannot even be registered there; a Kazakh post is not ours
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: {
    checkpoint: 'ak-tilek', direction: 'entry', vehicle_kind: 'car', plate: plate() } }), 422, 'MODE_NOT_ALLOWED');
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: {
    checkpoint: 'kazygurt', direction: 'entry', vehicle_kind: 'car', plate: plate() } }), 422, 'CHECKPOINT_NOT_OURS');
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.carrier, body: {
    checkpoint: 'dostyk', direction: 'entry' } }), 403, 'forbidden');
});

test('bad crossing input is refused naming the problem and stores nothing', async () => {
  const { k, tok } = srv;
  const before = (await k.req('GET', '/api/v1/crossings?limit=1000', { token: tok.ministry })).json.items.length;
  const bad = [
    { direction: 'sideways', checkpoint: 'dostyk' },
    { direction: 'entry' },
    { direction: 'entry', checkpoint: 'nowhere' },
    { direction: 'entry', checkpoint: 'dostyk', vehicle_kind: 'truck' },
    { direction: 'entry', checkpoint: 'dostyk', vehicle_kind: 'truck', plate: '!' },
    { direction: 'entry', checkpoint: 'dostyk', weight_kg: -5 },
    { direction: 'entry', checkpoint: 'dostyk', scan_result: 'maybe' },
    { direction: 'entry', checkpoint: 'dostyk', persons: 'everyone' },
    { direction: 'entry', checkpoint: 'dostyk', persons: [{ nationality: 'uzbek' }] },
    { direction: 'entry', checkpoint: 'dostyk', at: '2999-01-01T00:00:00Z' },
    { direction: 'entry', checkpoint: 'dostyk', vehicle_country: 7 },
  ];
  for (const body of bad) {
    const r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body });
    const e = assertError(r, 422, 'invalid_field');
    assert.ok(e.fields.length >= 1, r.text);
  }
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.officer, raw: '{"direction":', headers: { 'content-type': 'application/json' } }), 400);
  const after = (await k.req('GET', '/api/v1/crossings?limit=1000', { token: tok.ministry })).json.items.length;
  assert.equal(after, before);
});

test('equipment keys: shown once, only at their own checkpoint, revocable', async () => {
  const { k, tok } = srv;
  let r = await k.req('POST', `${CP}/dostyk/devices`, { token: tok.officer, body: { name: 'lane 2 camera', kind: 'plate_camera' } });
  assert.equal(r.status, 201, r.text);
  const key = r.json.key;
  const deviceId = r.json.id;
  assert.match(key, /^kpd_[A-Za-z0-9_-]{43}$/);
  assert.ok(key.startsWith(r.json.key_prefix));
  const list = await k.req('GET', `${CP}/dostyk/devices`, { token: tok.admin });
  assert.ok(list.json.items.every((d) => !('key' in d)), 'keys are never listed');
  r = await k.req('POST', '/api/v1/crossings', { token: key, body: { direction: 'exit', vehicle_kind: 'car', plate: plate(), plate_source: 'camera' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.checkpoint, 'dostyk');
  assert.equal(typeof r.json.device_id, 'number');
  assertError(await k.req('POST', '/api/v1/crossings', { token: key, body: { checkpoint: 'korday', direction: 'exit', vehicle_kind: 'car', plate: plate() } }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/crossings', { token: key }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/permits', { token: key }), 403, 'forbidden');
  r = await k.req('POST', `/api/v1/devices/${deviceId}/revoke`, { token: tok.officer });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.active, false);
  assertError(await k.req('POST', '/api/v1/crossings', { token: key, body: { direction: 'exit', vehicle_kind: 'car', plate: plate() } }), 401, 'unauthenticated');
  assertError(await k.req('POST', `${CP}/dostyk/devices`, { token: tok.officer, body: { name: 'x', kind: 'toaster' } }), 422, 'invalid_field');
});

// The current hour in Kyrgyzstan on the server's clock (the demo opens no slots at
// Ak-Tilek, nor for cars at Dostyk), as a local date and hour. The server started at
// least five minutes before the end of an hour (awayFromHourEnd), so that a slot of the
// current hour cannot end while a test books it.
function localHour(k, offsetMin = 360) {
  const d = new Date(k.now() + offsetMin * 60000);
  return { date: d.toISOString().slice(0, 10), hour: d.getUTCHours() };
}

test('done when: 100 parallel bookings for a slot of 20 give exactly 20', async () => {
  const { k, tok } = srv;
  const { date, hour } = localHour(k);
  let r = await k.req('POST', `${CP}/ak-tilek/slots`, { token: tok.ministry, body: { flow: 'truck', date, from_hour: hour, to_hour: hour + 1, capacity: 20 } });
  assert.equal(r.status, 201, r.text);
  const slot = r.json.items[0];
  assert.equal(slot.capacity, 20);
  assert.equal(slot.priority_cap, 1, '5% of 20, at least one');
  const plates = Array.from({ length: 100 }, () => plate('B'));
  // the officer books at the checkpoint: any plate, no per-account cap
  const answers = await Promise.all(plates.map((p) => k.req('POST', '/api/v1/bookings', { token: tok.officer, body: { slot_id: slot.id, plate: p } })));
  const ok = answers.filter((a) => a.status === 201).length;
  const full = answers.filter((a) => a.status === 409 && a.json.error.code === 'SLOT_FULL').length;
  assert.equal(ok, 20, answers.filter((a) => a.status !== 201 && a.status !== 409).map((a) => a.text).join('\n'));
  assert.equal(full, 80);
  r = await k.req('GET', `${CP}/ak-tilek/slots?date=${date}&flow=truck`);
  assert.equal(r.json.items.find((s) => s.id === slot.id).booked, 20);
  assert.equal(r.json.items.find((s) => s.id === slot.id).left, 0);
});

test('booking, one per vehicle, check-in, the call with a time to reach the gate, crossing closes it', async () => {
  const { k, tok } = srv;
  const { date, hour } = localHour(k);
  let r = await k.req('POST', `${CP}/dostyk/slots`, { token: tok.officer, body: { flow: 'car', date, from_hour: hour, to_hour: Math.min(hour + 2, 24), capacity: 5 } });
  assert.equal(r.status, 201, r.text);
  const slot = r.json.items[0];
  const p = plate('C');
  r = await k.req('POST', '/api/v1/bookings', { token: tok.traveller, body: { slot_id: slot.id, plate: p, phone: '+996 555 000 111' } });
  assert.equal(r.status, 201, r.text);
  const booking = r.json;
  assert.equal(booking.status, 'booked');
  assertError(await k.req('POST', '/api/v1/bookings', { token: tok.traveller, body: { slot_id: r.json.slot_id, plate: p } }), 409, 'VEHICLE_ALREADY_BOOKED');
  assertError(await k.req('POST', `${CP}/dostyk/queue`, { token: tok.traveller, body: { flow: 'car', plate: p } }), 409, 'VEHICLE_ALREADY_BOOKED');
  // another driver cannot see it
  assertError(await k.req('GET', `/api/v1/bookings/${booking.id}`, { token: tok.carrier }), 404, 'not_found');
  r = await k.req('POST', `/api/v1/bookings/${booking.id}/check-in`, { token: tok.traveller });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'checked_in');
  assert.ok(r.json.position >= 1);
  assertError(await k.req('POST', `/api/v1/bookings/${booking.id}/check-in`, { token: tok.traveller }), 409, 'NOT_BOOKED');
  // a car without a booking joins the live queue behind it
  const walkIn = plate('L');
  r = await k.req('POST', `${CP}/dostyk/queue`, { token: tok.officer, body: { flow: 'car', plate: walkIn } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.live, true);
  r = await k.req('GET', `${CP}/dostyk/queue?flow=car`, { token: tok.officer });
  const order = r.json.items.map((b) => b.plate);
  assert.ok(order.indexOf(p.replace(/ /g, '')) < order.indexOf(walkIn), order.join(','));
  r = await k.req('POST', `${CP}/dostyk/queue/call`, { token: tok.officer, body: { flow: 'car', count: 1 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.called, 1);
  assert.equal(r.json.minutes_to_reach_gate, 20);
  r = await k.req('GET', `/api/v1/bookings/${booking.id}`, { token: tok.traveller });
  assert.equal(r.json.status, 'called');
  const deadline = Date.parse(r.json.call_deadline) - Date.parse(r.json.called_at);
  assert.equal(deadline, 20 * 60 * 1000);
  // the car crosses: the booking is closed and the crossing knows when it checked in
  r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'car', plate: p } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.booking_id, booking.id);
  assert.ok(r.json.checked_in_at);
  r = await k.req('GET', `/api/v1/bookings/${booking.id}`, { token: tok.traveller });
  assert.equal(r.json.status, 'crossed');
  r = await k.req('DELETE', `/api/v1/bookings/${booking.id}`, { token: tok.traveller });
  assertError(r, 409, 'conflict');
  // priority lane: one place of 5, granted by the officer
  const first = await k.req('POST', '/api/v1/bookings', { token: tok.officer, body: { slot_id: slot.id, plate: plate('P'), priority: 'perishable' } });
  assert.equal(first.status, 201, first.text);
  assertError(await k.req('POST', '/api/v1/bookings', { token: tok.officer, body: { slot_id: slot.id, plate: plate('P'), priority: 'postal' } }), 409, 'PRIORITY_LANE_FULL');
  assertError(await k.req('POST', '/api/v1/bookings', { token: tok.officer, body: { slot_id: slot.id, plate: plate('P'), priority: 'vip' } }), 422, 'invalid_field');
  assertError(await k.req('POST', '/api/v1/bookings', { token: tok.officer, body: { slot_id: 999999, plate: plate('P') } }), 422, 'invalid_field');
  assertError(await k.req('POST', `${CP}/kazygurt/queue`, { token: tok.carrier, body: { flow: 'car', plate: plate('K') } }), 422, 'CHECKPOINT_NOT_OURS');
});

test('done when: the throughput report for a seeded day adds up (JSON and CSV)', async () => {
  const { k, tok } = srv;
  const day = '2026-11-10';
  // Korday is open round the clock: crossings at midnight are real (a closed crossing records none)
  const seeded = [
    ['truck', 'entry', '08:00'], ['truck', 'exit', '09:15'], ['truck', 'entry', '23:59'], ['car', 'entry', '00:00'],
    ['car', 'exit', '12:30'], ['bus', 'entry', '13:00'], [null, 'entry', '14:00'], [null, 'exit', '14:05'],
  ];
  for (const [kind, direction, time] of seeded) {
    const body = { checkpoint: 'korday', direction, at: `${day}T${time}+06:00`, persons: [{ name: 'Ainura', nationality: 'KG', passport: 'ID0000001' }] };
    if (kind) Object.assign(body, { vehicle_kind: kind, plate: plate('T'), vehicle_country: 'KG' });
    const r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body });
    assert.equal(r.status, 201, r.text);
  }
  // the day before and after, in Bishkek time, do not count
  for (const at of ['2026-11-09T23:59+06:00', '2026-11-11T00:00+06:00']) {
    const r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'korday', direction: 'entry', vehicle_kind: 'car', plate: plate('T'), at } });
    assert.equal(r.status, 201, r.text);
  }
  let r = await k.req('GET', `/api/v1/throughput?date=${day}&checkpoint=korday`, { token: tok.ministry });
  assert.equal(r.status, 200, r.text);
  const t = r.json.items[0];
  assert.equal(t.total, seeded.length);
  const flows = t.flows;
  assert.equal(flows.truck.vehicles, 3);
  assert.equal(flows.car.vehicles, 2);
  assert.equal(flows.bus.vehicles, 1);
  assert.equal(flows.pedestrian.vehicles, 2);
  assert.equal(Object.values(flows).reduce((n, f) => n + f.vehicles, 0), t.total);
  assert.equal(flows.truck.capacity, 1000);
  assert.equal(flows.truck.capacity_share, 3 / 1000);
  assert.equal(flows.truck.waited, 0);
  assert.equal(flows.truck.median_wait_s, null);
  r = await k.req('GET', `/api/v1/throughput?date=${day}&checkpoint=korday&format=csv`, { token: tok.auditor });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'checkpoint,date,flow,vehicles,capacity,capacity_share,waited,median_wait_s,p90_wait_s');
  const total = lines.slice(1).reduce((n, l) => n + Number(l.split(',')[3]), 0);
  assert.equal(total, seeded.length);
  r = await k.req('GET', `/api/v1/throughput?date=${day}`, { token: tok.ministry });
  assert.ok(r.json.items.length >= 12, 'every Kyrgyz checkpoint');
  assert.ok(r.json.items.every((i) => i.checkpoint !== 'kazygurt'));
  assertError(await k.req('GET', '/api/v1/throughput?date=yesterday', { token: tok.ministry }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/throughput', { token: tok.officer }), 403, 'forbidden');
});
