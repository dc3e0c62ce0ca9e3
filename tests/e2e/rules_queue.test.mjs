// Closed crossings take no slots, bookings or crossing records; a new closure cancels the
// bookings it hits with a notice to the driver (issue 13, finding 6); booking hours cannot be
// opened on past dates (issue 17, item 15); the ministry keeps holidays, seasons and hours
// as data changed from a date, audited (issue 13, "make it maintainable"). Sources: seed 001
// (Torugart's season, Irkeshtam's lunch breaks and holidays, Karamyk closed), the registry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { newTraveller, assertError } from './lib.mjs';
import { usePermitServer } from './permits_helpers.test.mjs';

// The tests name days of January 2027 (a Monday at Irkeshtam, New Year, a holiday), so the
// server runs at a fixed moment before them, whatever the suite's clock; "today" is the
// server's.
const srv = usePermitServer({ now: '2026-12-20T10:00:00+06:00' });
const CP = '/api/v1/checkpoints';
const local = (days) => new Date(srv.k.now() + 360 * 60000 + days * 86400000).toISOString().slice(0, 10);
const slots = (k, tok, code, body) => k.req('POST', `${CP}/${code}/slots`, { token: tok, body });

test('no slots at a closed crossing, none in the past; only the open hours of a day', async () => {
  const { k, tok } = srv;
  const closed = [
    ['torugart', '2027-01-15', 'truck', 'out of season (seed 001: late May to late September)'],
    ['irkeshtam', '2027-01-01', 'truck', 'New Year on both sides'],
    ['karamyk', local(1), 'car', 'closed since the border conflicts'],
  ];
  for (const [code, date, flow, why] of closed) {
    const r = await slots(k, tok.ministry, code, { flow, date, from_hour: 0, to_hour: 24 });
    assert.equal(r.status, 422, `${code} ${date} (${why}): ${r.text}`);
    assert.equal(r.json.error.code, 'CHECKPOINT_CLOSED');
    assert.ok(r.json.error.reasons.length > 0);
  }
  assertError(await slots(k, tok.officer, 'dostyk', { flow: 'car', date: local(-1), from_hour: 8, to_hour: 20 }), 422, 'IN_THE_PAST');
  // Monday 11 January 2027 at Irkeshtam: KG 09-18 with lunch 11-14, CN 11-20 China time
  // with a break 15-18 (13-16 Kyrgyz time): both open 09-11 and 16-18
  const r = await slots(k, tok.ministry, 'irkeshtam', { flow: 'truck', date: '2027-01-11', from_hour: 0, to_hour: 24, capacity: 3 });
  assert.equal(r.status, 201, r.text);
  const hours = r.json.items.map((s) => new Date(Date.parse(s.starts_at) + 360 * 60000).getUTCHours());
  assert.deepEqual(hours, [9, 10, 16, 17]);
  // the status page agrees with the booking page for every hour of that day
  for (let h = 0; h < 24; h++) {
    const at = `2027-01-11T${String(h).padStart(2, '0')}:30`;
    const s = await k.req('GET', `${CP}/irkeshtam/status?at=${at}&mode=truck`);
    assert.equal(s.json.open, hours.includes(h), `${at}: status ${s.json.open}, slot ${hours.includes(h)}`);
  }
});

test('a closure cancels the bookings it hits, gives the places back and leaves the driver a notice', async () => {
  const { k, tok } = srv;
  const t = await newTraveller(k);
  const date = local(3);
  const r = await slots(k, tok.ministry, 'dostyk', { flow: 'car', date, from_hour: 10, to_hour: 12, capacity: 2 });
  assert.equal(r.status, 201, r.text);
  const [first, second] = r.json.items;
  const plate = `RQ${String(process.pid % 10000).padStart(4, '0')}`;
  const b = await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: first.id, plate } });
  assert.equal(b.status, 201, b.text);
  const close = await k.req('POST', `${CP}/dostyk/closures`, { token: tok.ministry,
    body: { from: `${date}T09:00`, to: `${date}T10:30`, reason: 'road works on the bridge' } });
  assert.equal(close.status, 201, close.text);
  assert.equal(close.json.bookings_cancelled, 1);
  const after = await k.req('GET', `/api/v1/bookings/${b.json.id}`, { token: t.token });
  assert.equal(after.json.status, 'cancelled');
  const list = (await k.req('GET', `${CP}/dostyk/slots?date=${date}&flow=car`)).json.items;
  assert.equal(list.find((s) => s.id === first.id), undefined, 'the booking page no longer offers the closed hour');
  assert.ok(list.find((s) => s.id === second.id));
  const notices = await k.req('GET', '/api/v1/booking-notices', { token: t.token });
  assert.equal(notices.status, 200, notices.text);
  assert.equal(notices.json.items[0].booking_id, b.json.id);
  assert.equal(notices.json.items[0].kind, 'CANCELLED_BY_CLOSURE');
  assert.equal(notices.json.items[0].reason, 'road works on the bridge');
  // the closed hour takes no new booking; the next hour, open again, does
  assertError(await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: first.id, plate } }), 422, 'CHECKPOINT_CLOSED');
  assert.equal((await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: second.id, plate } })).status, 201);
  // the closure lifted: the hour is offered again, its place given back
  assert.equal((await k.req('DELETE', `${CP}/dostyk/closures/${close.json.id}`, { token: tok.ministry })).status, 200);
  const again = (await k.req('GET', `${CP}/dostyk/slots?date=${date}&flow=car`)).json.items;
  assert.equal(again.find((s) => s.id === first.id).booked, 0, 'the place is given back');
  const other = await newTraveller(k);
  assert.deepEqual((await k.req('GET', '/api/v1/booking-notices', { token: other.token })).json.items, [], 'notices are the driver\'s own');
});

test('a closed crossing records no crossing and takes no one into its live queue', async () => {
  const { k, tok } = srv;
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'karamyk', direction: 'entry', vehicle_kind: 'car', plate: 'KR0001AA' } }), 422, 'CHECKPOINT_CLOSED');
  // Ak-Tilek closed for the next hour: no crossing recorded there now; open again once lifted
  const c = await k.req('POST', `${CP}/ak-tilek/closures`, { token: tok.ministry, body: { reason: 'scanner repair' } });
  assert.equal(c.status, 201, c.text);
  assertError(await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'ak-tilek', direction: 'entry', vehicle_kind: 'truck', plate: 'KR0002AA', vehicle_country: 'KG' } }), 422, 'CHECKPOINT_CLOSED');
  assert.equal((await k.req('DELETE', `${CP}/ak-tilek/closures/${c.json.id}`, { token: tok.ministry })).status, 200);
  assert.equal((await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'ak-tilek', direction: 'entry', vehicle_kind: 'truck', plate: 'KR0002AA', vehicle_country: 'KG' } })).status, 201);
  assertError(await k.req('POST', `${CP}/karamyk/queue`, { token: tok.officer, body: { flow: 'car', plate: 'KR0003AA' } }), 422, 'CHECKPOINT_CLOSED');
  const n = (await k.req('GET', '/api/v1/crossings?checkpoint=karamyk', { token: tok.ministry })).json.items.length;
  assert.equal(n, 0);
});

test('the ministry keeps holidays, seasons and hours as dated data, audited; others may not', async () => {
  const { k, tok } = srv;
  const at = `${CP}/irkeshtam/status?at=2027-01-12T10:00&mode=truck`;
  assert.equal((await k.req('GET', at)).json.open, true);
  const hol = await k.req('POST', '/api/v1/public-holidays', { token: tok.ministry, body: { country: 'CN', date: '2027-01-12', name: 'test holiday', source: 'test notice' } });
  assert.equal(hol.status, 201, hol.text);
  const closed = (await k.req('GET', at)).json;
  assert.equal(closed.open, false);
  assert.ok(closed.reasons.some((r) => r.code === 'CLOSED_HOLIDAY' && r.side === 'CN'));
  assertError(await k.req('POST', '/api/v1/public-holidays', { token: tok.ministry, body: { country: 'CN', date: '2027-01-12', name: 'again', source: 'x' } }), 409, 'conflict');
  for (const body of [{ country: 'cn', date: '2027-01-12', name: 'x', source: 'y' }, { country: 'CN', name: 'x', source: 'y' },
    { country: 'CN', month: 2, day: 30, name: 'x', source: 'y' }, { country: 'CN', date: '2027-01-13', name: 'x' }]) {
    assertError(await k.req('POST', '/api/v1/public-holidays', { token: tok.ministry, body }), 422, 'invalid_field');
  }
  assertError(await k.req('POST', '/api/v1/public-holidays', { token: tok.officer, body: { country: 'CN', date: '2027-01-14', name: 'x', source: 'y' } }), 403);
  const cn = await k.req('GET', '/api/v1/public-holidays?country=CN&year=2026');
  const feb = cn.json.items.filter((h) => h.year === 2026 && h.month === 2).map((h) => h.day);
  for (let d = 15; d <= 23; d++) assert.ok(feb.includes(d), `Spring Festival 2026: ${d} February (State Council notice)`);
  assert.equal((await k.req('DELETE', `/api/v1/public-holidays/${hol.json.id}`, { token: tok.ministry })).status, 200);
  assert.equal((await k.req('GET', at)).json.open, true);

  // Karkyra's season: all year from now on, then back to its season from a later date
  const jan = `${CP}/karkyra/status?at=2027-01-20T12:00&mode=car`;
  assert.equal((await k.req('GET', jan)).json.reasons[0].code, 'CLOSED_SEASON');
  const now = await k.req('PUT', `${CP}/karkyra/season`, { token: tok.ministry, body: { from: null, to: null, source: 'year-round operation (test)' } });
  assert.equal(now.status, 200, now.text);
  assert.ok(now.json.applied_at);
  assert.equal((await k.req('GET', jan)).json.open, true);
  const later = await k.req('PUT', `${CP}/karkyra/season`, { token: tok.ministry, body: { from: '03-01', to: '11-29', source: 'back to seasonal (test)', effective_from: '2030-01-01' } });
  assert.equal(later.status, 202, later.text);
  assert.equal(later.json.applied_at, null);
  assert.equal((await k.req('GET', jan)).json.open, true, 'a change from 2030 does not act before then');
  const changes = await k.req('GET', '/api/v1/rule-changes?checkpoint=karkyra');
  assert.deepEqual(changes.json.items.map((c) => [c.kind, c.applied_at === null]), [['season', true], ['season', false]]);
  assertError(await k.req('PUT', `${CP}/karkyra/season`, { token: tok.ministry, body: { from: '13-01', to: '11-29', source: 'x' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', `${CP}/karkyra/season`, { token: tok.ministry, body: { from: '03-01', source: 'x' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', `${CP}/nowhere/season`, { token: tok.ministry, body: { from: null, to: null, source: 'x' } }), 404, 'not_found');

  // Aisha Bibi round the clock
  const night = `${CP}/aisha-bibi/status?at=2027-01-20T23:00&mode=car`;
  assert.equal((await k.req('GET', night)).json.open, false);
  const hours = await k.req('PUT', `${CP}/aisha-bibi/hours`, { token: tok.ministry, body: { source: 'test protocol', hours: [
    { side: 'KG', kind: 'open', days: '1234567', opens: '00:00', closes: '24:00' }, { side: 'KZ', kind: 'open', days: '1234567', opens: '00:00', closes: '24:00' }] } });
  assert.equal(hours.status, 200, hours.text);
  assert.equal((await k.req('GET', night)).json.open, true);
  assertError(await k.req('PUT', `${CP}/aisha-bibi/hours`, { token: tok.ministry, body: { source: 'x', hours: [{ side: 'KG', kind: 'open', days: '8', opens: '09:00', closes: '08:00' }] } }), 422, 'invalid_field');
  // a window for a country the checkpoint does not touch, or a ninth window on one side, used
  // to be stored and then dropped by the registry, leaving Irkeshtam with no hours (open always)
  const before = (await k.req('GET', `${CP}/irkeshtam/status?at=2027-01-20T23:00&mode=truck`)).json.open;
  assert.equal(before, false);
  const ninth = Array.from({ length: 9 }, (_, i) => ({ side: 'KG', kind: 'open', days: '1', opens: `0${i}:00`, closes: `0${i}:30` }));
  for (const hours of [[{ side: 'KZ', kind: 'open', days: '12345', opens: '09:00', closes: '18:00' }], ninth]) {
    assertError(await k.req('PUT', `${CP}/irkeshtam/hours`, { token: tok.ministry, body: { source: 'x', hours } }), 422, 'invalid_field');
  }
  assert.equal((await k.req('GET', `${CP}/irkeshtam/status?at=2027-01-20T23:00&mode=truck`)).json.open, false, 'the hours are as they were');
  const audit = await k.req('GET', '/api/v1/audit?limit=50', { token: tok.auditor });
  if (audit.status === 200) assert.ok(JSON.stringify(audit.json).includes('rule_change.'), 'rule changes are in the audit trail');
});

test('fees carry their source and change from a date, audited', async () => {
  const { k, tok } = srv;
  let eco = await k.req('GET', '/api/v1/ecotax-fees');
  const car = () => eco.json.items.find((x) => x.kind === 'car');
  assert.match(car().source, /2020/);
  const later = await k.req('PUT', '/api/v1/ecotax-fees/car', { token: tok.ministry, body: { fee_som: 1200, source: 'test decree No. 1', effective_from: '2030-01-01' } });
  assert.equal(later.status, 202, later.text);
  assert.equal(later.json.applied_at, null);
  eco = await k.req('GET', '/api/v1/ecotax-fees');
  assert.equal(car().fee_som, 1000, 'a fee from 2030 does not apply before then');
  const now = await k.req('PUT', '/api/v1/ecotax-fees/car', { token: tok.ministry, body: { fee_som: 1100, source: 'test decree No. 2', effective_from: '2026-01-01' } });
  assert.equal(now.status, 200, now.text);
  eco = await k.req('GET', '/api/v1/ecotax-fees');
  assert.deepEqual([car().fee_som, car().source], [1100, 'test decree No. 2']);
  assertError(await k.req('PUT', '/api/v1/ecotax-fees/car', { token: tok.ministry, body: { fee_som: 1100, effective_from: '2030-01-01' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/ecotax-fees/car', { token: tok.officer, body: { fee_som: 1, source: 'x' } }), 403);
  let z = await k.req('GET', '/api/v1/zone-fees');
  assert.match(z.json.source, /2024/);
  assert.match(z.json.rounding, /half away from zero/);
  const zp = await k.req('PUT', '/api/v1/zone-fees', { token: tok.ministry, body: { items: [{ max_zones: 1, fee_som: 2500 }, { max_zones: 2, fee_som: 3500 }, { max_zones: 5, fee_som: 5000 }], source: 'test order' } });
  assert.equal(zp.status, 200, zp.text);
  z = await k.req('GET', '/api/v1/zone-fees');
  assert.equal(z.json.source, 'test order');
  await k.req('PUT', '/api/v1/ecotax-fees/car', { token: tok.ministry, body: { fee_som: 1000, source: 'seed 001 (restored)' } });
});

test('new hours that close the crossing at booked times cancel those bookings as a closure does', async () => {
  const { k, tok } = srv;
  const date = local(5);
  const r = await slots(k, tok.ministry, 'dostyk', { flow: 'car', date, from_hour: 10, to_hour: 12, capacity: 2 });
  assert.equal(r.status, 201, r.text);
  const [ten, eleven] = r.json.items;
  const early = await newTraveller(k), late = await newTraveller(k);
  const plate = (n) => `RH${n}${String(process.pid % 1000).padStart(3, '0')}`;
  const b10 = await k.req('POST', '/api/v1/bookings', { token: early.token, body: { slot_id: ten.id, plate: plate(1) } });
  assert.equal(b10.status, 201, b10.text);
  const b11 = await k.req('POST', '/api/v1/bookings', { token: late.token, body: { slot_id: eleven.id, plate: plate(2) } });
  assert.equal(b11.status, 201, b11.text);
  // Dostyk (open round the clock) opens at 11:00 on the Kyrgyz side from now on
  const put = (hours, source) => k.req('PUT', `${CP}/dostyk/hours`, { token: tok.ministry, body: { source, hours } });
  const h = await put([{ side: 'KG', kind: 'open', days: '1234567', opens: '11:00', closes: '24:00' },
    { side: 'UZ', kind: 'open', days: '1234567', opens: '00:00', closes: '24:00' }], 'protocol on later opening (test)');
  assert.equal(h.status, 200, h.text);
  assert.equal(h.json.bookings_cancelled, 1);
  assert.equal((await k.req('GET', `/api/v1/bookings/${b10.json.id}`, { token: early.token })).json.status, 'cancelled');
  assert.equal((await k.req('GET', `/api/v1/bookings/${b11.json.id}`, { token: late.token })).json.status, 'booked');
  const notices = (await k.req('GET', '/api/v1/booking-notices', { token: early.token })).json.items;
  assert.equal(notices.length, 1);
  assert.equal(notices[0].booking_id, b10.json.id);
  assert.equal(notices[0].kind, 'CANCELLED_BY_CLOSURE');
  assert.match(notices[0].reason, /opening hours changed \(protocol on later opening \(test\)\)/);
  assert.deepEqual((await k.req('GET', '/api/v1/booking-notices', { token: late.token })).json.items, []);
  const list = (await k.req('GET', `${CP}/dostyk/slots?date=${date}&flow=car`)).json.items;
  assert.equal(list.find((s) => s.id === ten.id), undefined, 'the closed hour is no longer offered');
  // a season change that keeps the booked time open cancels nothing; round the clock again
  const season = await k.req('PUT', `${CP}/dostyk/season`, { token: tok.ministry, body: { from: null, to: null, source: 'all year (test)' } });
  assert.equal(season.json.bookings_cancelled, 0, season.text);
  const back = await put([{ side: 'KG', kind: 'open', days: '1234567', opens: '00:00', closes: '24:00' },
    { side: 'UZ', kind: 'open', days: '1234567', opens: '00:00', closes: '24:00' }], 'round the clock again (test)');
  assert.equal(back.json.bookings_cancelled, 0, back.text);
  assert.equal((await k.req('GET', `/api/v1/bookings/${b11.json.id}`, { token: late.token })).json.status, 'booked');
});
