// permits_refusals.test.mjs: applications that must be refused get 422 with every reason:
// error.code is the first failed check, error.reasons lists them all in order, the
// application is stored as refused, and no permit or serial is spent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, newCarrier, assertError, addVehicle, carrierWithFleet, apply, issue, createQuota,
  quotaById, setPermitType, assertRefused, applicationById, newPlate, newInn, PASSWORD, uniq, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

// The demo carrier's tractor 01KG123ABC, which holds the demo permit KG-UZ-<year>-1-1.
async function demoTruck(k) {
  const r = await k.req('GET', '/api/v1/vehicles', { token: srv.tok.carrier });
  const v = r.json.items.find((x) => x.plate === '01KG123ABC');
  assert.ok(v, r.text);
  return v;
}

async function auditOf(k, type, id) {
  const r = await k.req('GET', `/api/v1/audit?object_type=${type}&object_id=${encodeURIComponent(id)}`, { token: srv.tok.auditor });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

async function setOrgStatus(k, id, status, reason = 'checked by the ministry') {
  const r = await k.req('PUT', `/api/v1/organisations/${id}/status`, { token: srv.tok.ministry, body: { status, reason } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, status);
}

test('over quota: INSUFFICIENT_PERMIT_QUOTA once the range is spent, and with no range at all', async () => {
  const { k } = srv;
  const q = await createQuota(k, srv.tok.ministry, { partner: 'GE', type: 1, start_number: 1, end_number: 2 });
  const c = await carrierWithFleet(k, 3);
  const got = [];
  for (const v of c.vehicles.slice(0, 2)) got.push((await issue(k, c.token, { partner: 'GE', type: 1, vehicle_id: v.id })).id);
  assert.deepEqual(got, [`KG-GE-${YEAR}-1-1`, `KG-GE-${YEAR}-1-2`]);
  const r = await apply(k, c.token, { partner: 'GE', type: 1, vehicle_id: c.vehicles[2].id, trip: { route: 'Bishkek - Poti' } });
  const ap = assertRefused(r, ['INSUFFICIENT_PERMIT_QUOTA']);
  const stored = await applicationById(k, srv.tok.ministry, ap.id);
  assert.equal(stored.status, 'refused');
  assert.deepEqual(stored.reasons.map((x) => x.code), ['INSUFFICIENT_PERMIT_QUOTA']);
  assert.deepEqual(stored.trip, { route: 'Bishkek - Poti' });
  const audit = await auditOf(k, 'permit_application', ap.id);
  assert.equal(audit[0]?.action, 'permit_application.create', JSON.stringify(audit));
  assert.equal(audit[0].after.status, 'refused');
  const after = await quotaById(k, srv.tok.ministry, q.id);
  assert.equal(after.usage.issued, 2);
  assert.equal(after.usage.remaining, 0);
  // A partner with no range for this year and type.
  assertRefused(await apply(k, c.token, { partner: 'AM', type: 1, vehicle_id: c.vehicles[2].id }), ['INSUFFICIENT_PERMIT_QUOTA']);
  // Nor next year's (which carriers may ask for only from 1 December).
  const december = new Date(k.now() + 6 * 3600e3).getUTCMonth() === 11;
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[2].id, year: YEAR + 1 }),
    december ? ['INSUFFICIENT_PERMIT_QUOTA'] : ['PERMIT_YEAR_NOT_OPEN', 'INSUFFICIENT_PERMIT_QUOTA']);
});

test('another carrier\'s vehicle, by id or plate: VEHICLE_NOT_OWNED and nothing about its permits', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const theirs = await demoTruck(k); // it holds an unused UZ permit: no DUPLICATE_PERMIT may show
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: theirs.id }), ['VEHICLE_NOT_OWNED'],
    { stored: false });
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, plate: '01 KG 123 ABC' }), ['VEHICLE_NOT_OWNED'],
    { stored: false });
});

test('wrong vehicle: a trailer or bus, too dirty, retired', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const trailer = await addVehicle(k, c.token, { kind: 'trailer', euro_class: 6 });
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: trailer.id }), ['VEHICLE_KIND']);
  const bus = await addVehicle(k, c.token, { kind: 'bus', euro_class: 6 });
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: bus.id }), ['VEHICLE_KIND']);
  const euro2 = await addVehicle(k, c.token, { kind: 'tractor', euro_class: 2 });
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: euro2.id }), ['VEHICLE_EMISSION_CLASS']);
  // Euro 3 is enough for BILATERAL, not for the TRACECA multilateral permit (Euro 4).
  const euro3 = await addVehicle(k, c.token, { kind: 'truck', euro_class: 3 });
  assertRefused(await apply(k, c.token, { partner: 'TRACECA', type: 'MULTILATERAL', vehicle_id: euro3.id }), ['VEHICLE_EMISSION_CLASS']);
  await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: euro3.id });
  const euro4 = await addVehicle(k, c.token, { kind: 'tractor', euro_class: 4 });
  const tc = await issue(k, c.token, { partner: 'TRACECA', type: 7, vehicle_id: euro4.id });
  assert.equal(tc.id, `KG-TRACECA-${YEAR}-7-1`);
  // Retired vehicles get nothing; reactivated ones do.
  const old = await addVehicle(k, c.token);
  let r = await k.req('PUT', `/api/v1/vehicles/${old.id}/status`, { token: c.token, body: { status: 'retired' } });
  assert.equal(r.status, 200, r.text);
  assertRefused(await apply(k, c.token, { partner: 'TR', type: 1, vehicle_id: old.id }), ['VEHICLE_RETIRED']);
  r = await k.req('PUT', `/api/v1/vehicles/${old.id}/status`, { token: c.token, body: { status: 'active' } });
  assert.equal(r.status, 200, r.text);
  await issue(k, c.token, { partner: 'TR', type: 1, vehicle_id: old.id });
});

test('a vehicle nobody registered is refused like another carrier\'s: every reason, audited, no application row',
  async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const byPlate = await apply(k, c.token, { partner: 'UZ', type: 1, plate: newPlate() });
  assertRefused(byPlate, ['VEHICLE_NOT_OWNED'], { stored: false });
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: 987654 }), ['VEHICLE_NOT_OWNED'],
    { stored: false });
  const list = await k.req('GET', '/api/v1/permit-applications', { token: c.token });
  assert.deepEqual(list.json.items, [], list.text);
  const audit = await k.req('GET', '/api/v1/audit?object_type=permit_application&limit=5', { token: srv.tok.ministry });
  assert.ok(audit.json.items.some((e) => e.action === 'permit_application.refuse' && e.actor === c.user.username), audit.text);
  // With the carrier suspended too, its own problem comes first.
  await setOrgStatus(k, c.org.id, 'suspended', 'inspection');
  try {
    assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, plate: newPlate() }),
      ['CARRIER_SUSPENDED', 'VEHICLE_NOT_OWNED'], { stored: false });
  } finally {
    await setOrgStatus(k, c.org.id, 'active', 'inspection passed');
  }
});

test('the ministry\'s rules are data: a stricter Euro class for TRANSIT applies at once', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1, { euro_class: 5 });
  const before = (await k.req('GET', '/api/v1/permit-types')).json.items.find((t) => t.code === 2);
  try {
    assert.equal((await setPermitType(k, srv.tok.ministry, 2, { min_euro_class: 6 })).min_euro_class, 6);
    assertRefused(await apply(k, c.token, { partner: 'UZ', type: 'TRANSIT', vehicle_id: c.vehicles[0].id }),
      ['VEHICLE_EMISSION_CLASS']);
  } finally {
    await setPermitType(k, srv.tok.ministry, 2, { min_euro_class: before.min_euro_class });
  }
  await issue(k, c.token, { partner: 'UZ', type: 'TRANSIT', vehicle_id: c.vehicles[0].id });
});

test('suspended carrier: CARRIER_SUSPENDED; reactivated, it is served again', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1);
  const v = c.vehicles[0];
  // Only the ministry (or an admin) decides, and only with a reason.
  assertError(await k.req('PUT', `/api/v1/organisations/${c.org.id}/status`, { token: c.token, body: { status: 'active', reason: 'me' } }), 403);
  assertError(await k.req('PUT', `/api/v1/organisations/${c.org.id}/status`, { token: srv.tok.ministry, body: { status: 'suspended' } }), 422, 'invalid_field');
  await setOrgStatus(k, c.org.id, 'suspended', 'unpaid fines');
  const org = await k.req('GET', '/api/v1/organisations/mine', { token: c.token });
  assert.equal(org.json.status, 'suspended', org.text);
  const audit = await auditOf(k, 'organisation', c.org.id);
  assert.equal(audit[0]?.action, 'organisation.status', JSON.stringify(audit));
  assert.equal(audit[0].after.reason, 'unpaid fines');
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id }), ['CARRIER_SUSPENDED']);
  await setOrgStatus(k, c.org.id, 'active', 'fines paid');
  const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
  assert.equal(p.company_name, c.org.name);
});

test('a carrier without a licence on file: CARRIER_NO_LICENCE', async () => {
  const { k } = srv;
  let r = await k.req('POST', '/api/v1/organisations', { token: srv.tok.admin, body: { kind: 'carrier', name: 'No Licence LLC', inn: newInn() } });
  assert.equal(r.status, 201, r.text);
  const username = uniq('nolic');
  r = await k.req('POST', '/api/v1/users', {
    token: srv.tok.admin, body: { username, password: PASSWORD, role: 'carrier', organisation_id: r.json.id, full_name: 'N L' },
  });
  assert.equal(r.status, 201, r.text);
  const token = await k.login(username, PASSWORD);
  const v = await addVehicle(k, token);
  assertRefused(await apply(k, token, { partner: 'UZ', type: 1, vehicle_id: v.id }), ['CARRIER_NO_LICENCE']);
});

test('duplicate: one unused permit per vehicle, partner, type and year; free again once returned', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1);
  const v = c.vehicles[0];
  const first = await issue(k, c.token, { partner: 'KZ', type: 1, vehicle_id: v.id });
  assertRefused(await apply(k, c.token, { partner: 'KZ', type: 1, vehicle_id: v.id }), ['DUPLICATE_PERMIT']);
  await issue(k, c.token, { partner: 'TJ', type: 1, vehicle_id: v.id }); // another partner is another permit
  const ret = await k.req('POST', `/api/v1/permits/${first.id}/return`, { token: c.token });
  assert.equal(ret.status, 200, ret.text);
  const second = await issue(k, c.token, { partner: 'KZ', type: 1, vehicle_id: v.id });
  assert.notEqual(second.id, first.id, 'a returned serial is not issued again');
});

test('holding limit: at most holding_limit unused permits per carrier, partner and type', async () => {
  const { k } = srv;
  await createQuota(k, srv.tok.ministry, { partner: 'TR', type: 3, start_number: 1, end_number: 50 });
  const before = (await k.req('GET', '/api/v1/permit-types')).json.items.find((t) => t.code === 3);
  const c = await carrierWithFleet(k, 2);
  try {
    assert.equal((await setPermitType(k, srv.tok.ministry, 3, { holding_limit: 1 })).holding_limit, 1);
    const first = await issue(k, c.token, { partner: 'TR', type: 'THIRDCOUNTRY', vehicle_id: c.vehicles[0].id });
    assertRefused(await apply(k, c.token, { partner: 'TR', type: 3, vehicle_id: c.vehicles[1].id }), ['HOLDING_LIMIT']);
    // Another carrier is not held back by this one's permits.
    const other = await carrierWithFleet(k, 1);
    await issue(k, other.token, { partner: 'TR', type: 3, vehicle_id: other.vehicles[0].id });
    // Once the first is returned, the second vehicle gets one.
    assert.equal((await k.req('POST', `/api/v1/permits/${first.id}/return`, { token: c.token })).status, 200);
    await issue(k, c.token, { partner: 'TR', type: 3, vehicle_id: c.vehicles[1].id });
  } finally {
    await setPermitType(k, srv.tok.ministry, 3, { holding_limit: before.holding_limit });
  }
});

test('several reasons at once, in order; nothing spent', async () => {
  const { k } = srv;
  const q = await createQuota(k, srv.tok.ministry, { partner: 'RO', type: 1, start_number: 7, end_number: 7 });
  const filler = await carrierWithFleet(k, 1);
  await issue(k, filler.token, { partner: 'RO', type: 1, vehicle_id: filler.vehicles[0].id });
  const c = await newCarrier(k);
  const trailer = await addVehicle(k, c.token, { kind: 'trailer', euro_class: 1 });
  await setOrgStatus(k, c.org.id, 'suspended', 'inspection');
  const permitsBefore = (await k.req('GET', '/api/v1/permits?limit=1000', { token: srv.tok.ministry })).json.items.length;
  const r = await apply(k, c.token, { partner: 'RO', type: 1, vehicle_id: trailer.id });
  assertRefused(r, ['CARRIER_SUSPENDED', 'VEHICLE_KIND', 'VEHICLE_EMISSION_CLASS', 'INSUFFICIENT_PERMIT_QUOTA']);
  assert.match(r.json.error.message, /see reasons/);
  const permitsAfter = (await k.req('GET', '/api/v1/permits?limit=1000', { token: srv.tok.ministry })).json.items.length;
  assert.equal(permitsAfter, permitsBefore);
  const qa = await quotaById(k, srv.tok.ministry, q.id);
  assert.equal(qa.usage.issued, 1);
  assert.equal(qa.usage.remaining, 0);
  await setOrgStatus(k, c.org.id, 'active', 'inspection passed');
});

test('a permit year whose validity is over is refused, not issued already expired',
  async () => {
  const { k } = srv;
  const q = await createQuota(k, srv.tok.ministry, { partner: 'UA', type: 1, year: 2020, start_number: 1, end_number: 10 });
  const c = await carrierWithFleet(k, 1);
  const r = await apply(k, c.token, { partner: 'UA', type: 1, year: 2020, vehicle_id: c.vehicles[0].id });
  assert.equal(r.status, 422, `a 2020 permit would expire on 31/01/2021: ${r.text}`);
  assert.ok(!r.json.permit, r.text);
  assert.equal((await quotaById(k, srv.tok.ministry, q.id)).usage.remaining, 10);
});
