// permits_direct.test.mjs: the ministry issues a permit itself (a paper permit made
// digital, a carrier without an account) with trailer, trip, explicit expiry and other
// claims; the serial comes from the quota; bad input is refused by field with nothing
// stored; a permit revoked twice answers the protocol's PERMIT_ALREADY_REVOKED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, carrierWithFleet, createQuota, assertError, newInn, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();
const issueDirect = (k, token, body) => k.req('POST', '/api/v1/permits', { token, body });
const count = async (k, token) => (await k.req('GET', '/api/v1/permits?limit=1000', { token })).json.items.length;

test('a permit for a carrier without an account: trailer, trip, expiry, claims; it verifies', async () => {
  const { k, tok } = srv;
  await createQuota(k, tok.ministry, { partner: 'TR', type: 2, start_number: 40, end_number: 41 });
  const inn = newInn();
  const r = await issueDirect(k, tok.ministry, {
    partner: 'TR', type: 'TRANSIT', plate: '01 kg 321 abc', trailer_plate: '01KG555ABC', company_name: 'Osh Cargo & Sons',
    company_id: inn, departure_country: 'KG', arrival_country: 'GE', expires_at: `${YEAR + 1}-03-31`,
    other_claims: { paper_permit: 'TR-004512' },
  });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.equal(p.id, `KG-TR-${YEAR}-2-40`);
  assert.equal(r.headers.get('location'), `/api/v1/permits/${p.id}`);
  assert.equal(p.plate, '01KG321ABC');
  assert.equal(p.trailer_plate, '01KG555ABC');
  assert.equal(p.company_name, 'Osh Cargo & Sons');
  assert.equal(p.company_id, inn);
  assert.equal(p.departure_country, 'KG');
  assert.equal(p.arrival_country, 'GE');
  assert.equal(p.valid_until, `31/03/${YEAR + 1}`);
  assert.deepEqual(p.other_claims, { paper_permit: 'TR-004512' });
  assert.equal(p.organisation_id, null);
  assert.equal(p.application_id, null);
  const v = await k.req('POST', '/api/v1/verify', { body: { qr: p.qr, country: 'TR' } });
  assert.equal(v.json.valid, true, v.text);
  assert.equal(v.json.claims.exp, `31/03/${YEAR + 1}`);
  const audit = await k.req('GET', `/api/v1/audit?object_type=permit&object_id=${p.id}`, { token: tok.auditor });
  assert.equal(audit.json.items[0].action, 'permit.issue');

  // the quota's last serial, then none left
  const second = await issueDirect(k, tok.ministry, { partner: 'TR', type: 2, plate: '01KG321ABD', company_name: 'X', company_id: '1' });
  assert.equal(second.status, 201, second.text);
  assert.equal(second.json.id, `KG-TR-${YEAR}-2-41`);
  assertError(await issueDirect(k, tok.ministry, { partner: 'TR', type: 2, plate: '01KG321ABE', company_name: 'X', company_id: '1' }),
    422, 'INSUFFICIENT_PERMIT_QUOTA');

  // revoked once; a second revocation is the protocol's PERMIT_ALREADY_REVOKED
  const rv = await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'paper permit cancelled' } });
  assert.equal(rv.status, 200, rv.text);
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'again' } }),
    422, 'PERMIT_ALREADY_REVOKED');
});

test('for a registered carrier: its name and INN by default, and it sees the permit', async () => {
  const { k, tok } = srv;
  const c = await carrierWithFleet(k, 1);
  const me = (await k.req('GET', '/api/v1/organisations/mine', { token: c.token })).json;
  const r = await issueDirect(k, tok.ministry, { partner: 'UZ', type: 1, plate: c.vehicles[0].plate, organisation_id: me.id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.company_name, me.name);
  assert.equal(r.json.company_id, me.inn);
  assert.equal(r.json.organisation_id, me.id);
  assert.equal(r.json.valid_until, `31/01/${YEAR + 1}`);
  const mine = await k.req('GET', '/api/v1/permits', { token: c.token });
  assert.ok(mine.json.items.some((x) => x.id === r.json.id));
});

test('bad input is refused by field, the wrong role is refused, and nothing is stored', async () => {
  const { k, tok } = srv;
  const before = await count(k, tok.ministry);
  const ok = { partner: 'UZ', type: 1, plate: '01KG999XYZ', company_name: 'A', company_id: '1' };
  const cases = [
    [{ ...ok, plate: undefined }, 'plate'],
    [{ ...ok, plate: 'Ж1' }, 'plate'],
    [{ ...ok, company_name: undefined }, 'company_name'],
    [{ ...ok, company_id: 'x'.repeat(300) }, 'company_id'],
    [{ ...ok, type: 9 }, 'type'],
    [{ ...ok, partner: 'uz' }, 'partner'],
    [{ ...ok, expires_at: '31/01/2027' }, 'expires_at'],
    [{ ...ok, expires_at: `${YEAR - 1}-12-31` }, 'expires_at'],
    [{ ...ok, year: YEAR + 1, expires_at: `${YEAR}-12-31` }, 'expires_at'],
    [{ ...ok, expires_at: `${YEAR + 2}-01-01` }, 'expires_at'],
    [{ ...ok, organisation_id: 999999 }, 'organisation_id'],
    [{ ...ok, organisation_id: 'x' }, 'organisation_id'],
    [{ ...ok, departure_country: 'KG', arrival_country: 'TR' }, 'arrival_country'],
    [{ ...ok, other_claims: 7 }, 'other_claims'],
  ];
  for (const [body, field] of cases) {
    const r = await issueDirect(k, tok.ministry, body);
    const e = assertError(r, 422);
    assert.ok(e.fields?.some((f) => f.field === field), `${JSON.stringify(body)}: ${r.text}`);
  }
  assertError(await issueDirect(k, tok.ministry, { ...ok, partner: 'KG' }), 422, 'AUTHORITY_NOT_FOUND');
  assertError(await issueDirect(k, tok.ministry, { ...ok, partner: 'ZZ' }), 422, 'AUTHORITY_NOT_FOUND');
  for (const token of [tok.carrier, tok.officer, tok.auditor]) assertError(await issueDirect(k, token, ok), 403);
  assertError(await k.req('POST', '/api/v1/permits', { body: ok }), 401);
  assert.equal(await count(k, tok.ministry), before);
});
