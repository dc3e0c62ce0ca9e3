// permits_traceca.test.mjs: organisations as authorities (issue 10, item 10). A TRACECA
// multilateral permit is issued for the organisation as quota authority, only while our
// country takes part in its permit system (Kyrgyzstan from 16 December 2025), and is
// controlled at each member country's border: at most two entries per member country, none
// in a non-member, used up when the vehicle is home again after its round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServersAt, carrierWithFleet, apply, issue, assertRefused, assertError,
} from './permits_helpers.test.mjs';

const serverAt = useServersAt();
const verify = (k, qr, country) => k.req('POST', '/api/v1/verify', { body: { qr, country } });
const codes = (r) => r.json.reasons.map((x) => x.code);

test('December 2026: a TRACECA permit, checked at member borders, used up after its round trip', async () => {
  const { k, tok } = await serverAt('2026-12-10T09:00:00+06:00');
  const members = await k.req('GET', '/api/v1/authorities/TRACECA', { token: tok.ministry });
  assert.equal(members.status, 200, members.text);
  assert.equal(members.json.kind, 'organisation');
  const kg = members.json.members.find((m) => m.member === 'KG');
  assert.equal(kg.from, '2025-12-16');
  assert.match(kg.source, /Ministry of Transport and Communications/);
  assert.deepEqual(members.json.members.map((m) => m.member).sort(), ['AM', 'GE', 'KG', 'MD', 'RO', 'TR', 'UA']);

  const c = await carrierWithFleet(k, 3);
  assertRefused(await apply(k, c.token, { partner: 'TRACECA', type: 1, vehicle_id: c.vehicles[0].id }), ['TYPE_NOT_FOR_PARTNER', 'INSUFFICIENT_PERMIT_QUOTA']);
  assertRefused(await apply(k, c.token, { partner: 'UZ', type: 7, vehicle_id: c.vehicles[0].id }), ['TYPE_NOT_FOR_PARTNER', 'INSUFFICIENT_PERMIT_QUOTA']);
  const p = await issue(k, c.token, { partner: 'TRACECA', type: 'MULTILATERAL', vehicle_id: c.vehicles[0].id,
    departure_country: 'KG', arrival_country: 'RO' });
  assert.match(p.id, /^KG-TRACECA-2026-7-\d+$/);
  assert.equal(p.verifier, 'TRACECA');

  // valid at a member's border and at home; not at a non-member's
  assert.equal((await verify(k, p.qr, 'TR')).json.valid, true);
  assert.equal((await verify(k, p.qr, 'KG')).json.valid, true);
  assert.deepEqual(codes(await verify(k, p.qr, 'UZ')), ['NOT_FOR_THIS_COUNTRY']);
  // ... and offline, by the trust list's membership
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'kapka-traceca-'));
  assert.equal((await k.run(['trustlist', 'export', '--output', join(dir, 't.txt')])).code, 0);
  assert.equal((await k.run(['trustlist', 'anchors', '--output', join(dir, 'a.json')])).code, 0);
  const offline = (here) => k.run(['verify', p.qr, '--trustlist', join(dir, 't.txt'), '--anchors', join(dir, 'a.json'), '--country', here]);
  let r = await offline('TR');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  r = await offline('UZ');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /NOT_FOR_THIS_COUNTRY/);
  rmSync(dir, { recursive: true, force: true });

  const act = (activity_type, country) => k.req('POST', `/api/v1/permits/${p.id}/activities`, { token: tok.officer,
    body: { activity_type, country } });
  const ok = async (type, country) => { const r = await act(type, country); assert.equal(r.status, 201, `${type} ${country}: ${r.text}`); };
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE' } }), 422, 'invalid_field');
  await ok('EXIT', 'KG');
  await ok('ENTRANCE', 'TR');
  await ok('EXIT', 'TR');
  await ok('ENTRANCE', 'GE');
  await ok('EXIT', 'GE');
  await ok('ENTRANCE', 'TR');
  await ok('EXIT', 'TR');
  assertError(await act('ENTRANCE', 'TR'), 422, 'PERMIT_USED'); // a third entry into one member
  assertError(await act('ENTRANCE', 'UZ'), 422, 'NOT_FOR_THIS_COUNTRY'); // not a member
  await ok('ENTRANCE', 'KG'); // home: the round trip is made
  const after = (await k.req('GET', `/api/v1/permits/${p.id}`, { token: c.token })).json;
  assert.equal(after.used_up, true);
  assertError(await act('ENTRANCE', 'GE'), 422, 'PERMIT_USED');
  assert.deepEqual(codes(await verify(k, p.qr, 'GE')), ['USED_UP']);

  // the ministry issues one directly too; a bilateral type for TRACECA is refused
  const direct = await k.req('POST', '/api/v1/permits', { token: tok.ministry,
    body: { partner: 'TRACECA', type: 7, plate: '01KG777TRC', company_name: 'Paper Carrier', company_id: '1' } });
  assert.equal(direct.status, 201, direct.text);
  assertError(await k.req('POST', '/api/v1/permits', { token: tok.ministry,
    body: { partner: 'TRACECA', type: 1, plate: '01KG777TRC', company_name: 'Paper Carrier', company_id: '1' } }), 422, 'TYPE_NOT_FOR_PARTNER');
});

test('10 December 2025: before Kyrgyzstan joined, no TRACECA permit', async () => {
  const { k, tok } = await serverAt('2025-12-10T09:00:00+06:00');
  const c = await carrierWithFleet(k, 1);
  assertRefused(await apply(k, c.token, { partner: 'TRACECA', type: 7, vehicle_id: c.vehicles[0].id }), ['NOT_A_MEMBER']);
  assertError(await k.req('POST', '/api/v1/permits', { token: tok.ministry,
    body: { partner: 'TRACECA', type: 7, plate: '01KG777TRC', company_name: 'Paper Carrier', company_id: '1' } }), 422, 'NOT_A_MEMBER');
});

test('the ministry keeps the membership as dated data: a new member counts from its first day', async () => {
  const { k, tok } = await serverAt('2026-12-10T09:00:00+06:00');
  const add = (token, body, code = 'TRACECA') => k.req('POST', `/api/v1/authorities/${code}/members`, { token, body });
  const uz = { member: 'UZ', from: '2027-01-01', source: 'a decision of the IGC TRACECA (test)' };
  assertError(await add(tok.officer, uz), 403);
  assertError(await add(tok.ministry, { ...uz, from: '01/01/2027' }), 422, 'invalid_field');
  assertError(await add(tok.ministry, { ...uz, to: '2026-12-31' }), 422, 'invalid_field');
  assertError(await add(tok.ministry, { ...uz, source: undefined }), 422, 'invalid_field');
  assertError(await add(tok.ministry, { ...uz, member: 'ZZ' }), 422, 'AUTHORITY_NOT_FOUND');
  assertError(await add(tok.ministry, uz, 'UZ'), 422, 'not_an_organisation');
  assertError(await add(tok.ministry, uz, 'NOSUCHORG'), 404);
  assertError(await add(tok.ministry, { member: 'KG', from: '2026-01-01', source: 'again' }), 409, 'conflict');
  const r = await add(tok.ministry, uz);
  assert.equal(r.status, 201, r.text);
  const au = await k.req('GET', '/api/v1/authorities/TRACECA');
  assert.ok(au.json.members.some((m) => m.member === 'UZ' && m.from === '2027-01-01' && m.to === null));
  // a permit of ours for TRACECA is checked at Uzbekistan's border only from that day
  const c = await carrierWithFleet(k, 1);
  const p = await issue(k, c.token, { partner: 'TRACECA', type: 7, vehicle_id: c.vehicles[0].id });
  assert.deepEqual(codes(await verify(k, p.qr, 'UZ')), ['NOT_FOR_THIS_COUNTRY']);
  const audit = await k.req('GET', '/api/v1/audit?object_type=authority&object_id=TRACECA', { token: tok.auditor });
  assert.equal(audit.json.items[0].action, 'authority.member_add');
});
