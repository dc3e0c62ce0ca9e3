// permits_bad_input.test.mjs: every write route of the freight e-permit capability, fed
// malformed JSON, wrong types, missing fields, huge strings, unknown partners, bad plates
// and VINs, nonexistent ids, other carriers' objects and the wrong role. Each answer is a
// 4xx in the one error shape (never 5xx), other carriers' objects are 404 (not 403: their
// existence is not revealed), and the server holds exactly what it held before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, carrierWithFleet, issue, apply, createQuota, snapshot, assertError, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();
const JSON_CT = { 'content-type': 'application/json' };
const big = (n) => 'x'.repeat(n);

let f; // fixtures: two carriers with vehicles and permits, a quota, a queued application

test('fixtures', async () => {
  const { k, tok } = srv;
  const a = await carrierWithFleet(k, 3);
  const b = await carrierWithFleet(k, 1);
  const pa = await issue(k, a.token, { partner: 'UZ', type: 1, vehicle_id: a.vehicles[0].id });
  const pr = await issue(k, a.token, { partner: 'UZ', type: 1, vehicle_id: a.vehicles[1].id });
  const pb = await issue(k, b.token, { partner: 'UZ', type: 1, vehicle_id: b.vehicles[0].id });
  const quota = await createQuota(k, tok.ministry, { partner: 'GE', type: 1, start_number: 1, end_number: 5 });
  const t = await k.req('PUT', '/api/v1/permit-types/3', { token: tok.ministry, body: { review: 'always' } });
  assert.equal(t.status, 200, t.text);
  await createQuota(k, tok.ministry, { partner: 'TR', type: 3, start_number: 1, end_number: 5 });
  const q = await apply(k, b.token, { partner: 'TR', type: 3, vehicle_id: b.vehicles[0].id });
  assert.equal(q.status, 202, q.text);
  f = { a, b, pa, pr, pb, quota, pending: q.json.application, appB: q.json.application.id };
});

// Send one bad request; insist on the status (and code), the error shape and no 5xx.
async function bad(method, path, { token, body, raw, headers }, status, code) {
  const r = await srv.k.req(method, path, { token, body, raw, headers: raw !== undefined ? { ...JSON_CT, ...headers } : headers });
  assert.ok(r.status < 500, `${method} ${path} ${JSON.stringify(body ?? raw)?.slice(0, 200)} → ${r.status} ${r.text}`);
  try {
    assertError(r, status, code);
  } catch (e) {
    e.message = `${method} ${path} ${JSON.stringify(body ?? raw)?.slice(0, 200)}: ${e.message}`;
    throw e;
  }
  return r;
}

// The write routes with a valid body and the role allowed to call them (the last test
// sends them all, in this order, and each must succeed).
function routes() {
  const { tok } = srv;
  const { a, pa, pr, quota, pending } = f;
  return [
    ['POST', '/api/v1/vehicles', a.token, { plate: '01 KG 999 ZZZ', vin: 'XTC65115R71299999', kind: 'truck', euro_class: 5 }],
    ['PUT', `/api/v1/vehicles/${a.vehicles[0].id}/status`, a.token, { status: 'retired' }],
    ['POST', '/api/v1/permit-applications', a.token, { partner: 'UZ', type: 1, vehicle_id: a.vehicles[2].id }],
    ['POST', `/api/v1/permit-applications/${pending.id}/decision`, tok.ministry, { approve: true, reason: 'ok' }],
    ['POST', `/api/v1/permits/${pa.id}/activities`, tok.officer, { activity_type: 'ENTRANCE', country: 'UZ' }],
    ['POST', `/api/v1/permits/${pr.id}/revoke`, tok.ministry, { reason: 'r' }],
    ['POST', '/api/v1/quotas', tok.ministry, { direction: 'outbound', partner: 'GE', year: YEAR, type: 2, start_number: 1, end_number: 9 }],
    ['PATCH', `/api/v1/quotas/${quota.id}`, tok.ministry, { end_number: 50 }],
    ['PUT', '/api/v1/permit-types/1', tok.ministry, { holding_limit: 9 }],
    ['PUT', `/api/v1/organisations/${a.org.id}/status`, tok.ministry, { status: 'suspended', reason: 'r' }],
    ['POST', '/api/v1/authorities', tok.ministry, { code: 'RS', name: 'Serbia' }],
    ['POST', '/api/v1/verify', undefined, { qr: pa.qr }],
  ];
}

test('nothing stored, nothing 5xx: malformed JSON on every write route', async () => {
  const { k, tok } = srv;
  const before = await snapshot(k, tok.ministry);
  for (const [method, path, token] of routes()) {
    for (const raw of ['{bad', '{"a":1,}', '[]', '"text"', '42', 'null', '{"a":1}{"b":2}', '{"partner":"UZ","partner":"TR"}',
      '[' .repeat(5000) + ']'.repeat(5000), '{"n": 1e999}', '{"n": 123456789012345678901234567890}']) {
      await bad(method, path, { token, raw }, 400, 'malformed_json');
    }
    await bad(method, path, { token, raw: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }, 400, 'malformed_json');
    await bad(method, path, { token, raw: '{}', headers: { 'content-type': 'text/plain' } }, 415);
    await bad(method, path, { token }, 400, 'missing_body');
  }
  // return takes an optional body; a broken one is still refused.
  await bad('POST', `/api/v1/permits/${f.pa.id}/return`, { token: f.a.token, raw: '{bad' }, 400, 'malformed_json');
  assert.deepEqual(await snapshot(k, tok.ministry), before);
});

test('nothing stored, nothing 5xx: wrong types, missing fields, huge strings, bad values', async () => {
  const { k, tok } = srv;
  const { a, b, pa, quota, pending } = f;
  const before = await snapshot(k, tok.ministry);
  const v0 = { plate: '01 KG 999 ZZZ', vin: 'XTC65115R71299999', kind: 'truck', euro_class: 5 };
  const vehicleCases = [
    {}, { ...v0, plate: undefined }, { ...v0, plate: 12345678 }, { ...v0, plate: 'AB1' }, { ...v0, plate: 'АВ 1234 КГ' },
    { ...v0, plate: '01KG!23' }, { ...v0, plate: '1234567890123' }, { ...v0, plate: big(100000) }, { ...v0, plate: 'AB\u00071234' },
    { ...v0, vin: 'XTC65115R7129999' }, { ...v0, vin: 'XTC65115R712999990' }, { ...v0, vin: 'XTC65115I71299999' },
    { ...v0, vin: 'XTC65115O71299999' }, { ...v0, vin: 'XTC65115Q71299999' }, { ...v0, vin: 'xtc65115r71299999' },
    { ...v0, vin: 'XTC65115 71299999' }, { ...v0, vin: 12345678901234567 }, { ...v0, vin: undefined },
    { ...v0, kind: 'car' }, { ...v0, kind: 'TRUCK' }, { ...v0, kind: null }, { ...v0, kind: ['truck'] },
    { ...v0, euro_class: 7 }, { ...v0, euro_class: -1 }, { ...v0, euro_class: 5.5 }, { ...v0, euro_class: '5' },
    { ...v0, euro_class: true }, { ...v0, euro_class: undefined }, { ...v0, make: big(61) }, { ...v0, model: { x: 1 } },
  ];
  for (const body of vehicleCases) await bad('POST', '/api/v1/vehicles', { token: a.token, body }, 422, 'invalid_field');
  // Taken plates (in any spelling) and VINs.
  await bad('POST', '/api/v1/vehicles', { token: b.token, body: { ...v0, plate: a.vehicles[0].plate.toLowerCase() } }, 409);
  await bad('POST', '/api/v1/vehicles', { token: b.token, body: { ...v0, plate: '01 KG 123 ABC' } }, 409);
  await bad('POST', '/api/v1/vehicles', { token: b.token, body: { ...v0, vin: a.vehicles[0].vin } }, 409);

  const ap0 = { partner: 'UZ', type: 1, vehicle_id: a.vehicles[2].id };
  const appCases = [
    [{ ...ap0, partner: undefined }], [{ ...ap0, partner: 1 }], [{ ...ap0, partner: 'uz' }], [{ ...ap0, partner: 'U2' }], [{ ...ap0, partner: 'ABCDEFGHIJKLMNOPQ' }],
    [{ ...ap0, partner: '' }], [{ ...ap0, type: 0 }], [{ ...ap0, type: 8 }], [{ ...ap0, type: 'bilateral' }],
    [{ ...ap0, type: 1.5 }], [{ ...ap0, type: null }], [{ ...ap0, type: [1] }], [{ ...ap0, type: undefined }],
    [{ ...ap0, vehicle_id: '1' }], [{ ...ap0, vehicle_id: -1 }], [{ ...ap0, vehicle_id: 0 }], [{ ...ap0, vehicle_id: 1.5 }],
    [{ ...ap0, vehicle_id: undefined }], [{ ...ap0, vehicle_id: undefined, plate: big(100000) }], [{ ...ap0, vehicle_id: undefined, plate: 7 }],
    [{ ...ap0, year: 1999 }], [{ ...ap0, year: 2201 }], [{ ...ap0, year: '2026' }],
    [{ ...ap0, trip: 'Osh - Andijan' }], [{ ...ap0, trip: ['Osh'] }], [{ ...ap0, trip: 5 }],
    [{ ...ap0, trip: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) }],
    [{ ...ap0, trip: { route: big(3000) } }],
    [{ ...ap0, partner: 'XX' }, 'AUTHORITY_NOT_FOUND'], [{ ...ap0, partner: 'KG' }, 'AUTHORITY_NOT_FOUND'],
    [{ ...ap0, partner: 'UZB' }, 'AUTHORITY_NOT_FOUND'], // the reference's [A-Z]+: a well-formed code, unknown
  ];
  for (const [body, code] of appCases) await bad('POST', '/api/v1/permit-applications', { token: a.token, body }, 422, code ?? 'invalid_field');

  const decision = `/api/v1/permit-applications/${pending.id}/decision`;
  for (const body of [{}, { approve: 'true', reason: 'r' }, { approve: 1, reason: 'r' }, { approve: true }, { approve: true, reason: '' },
    { approve: true, reason: big(1001) }, { approve: true, reason: 5 }]) {
    await bad('POST', decision, { token: tok.ministry, body }, 422, 'invalid_field');
  }

  const acts = `/api/v1/permits/${pa.id}/activities`;
  const act0 = { activity_type: 'ENTRANCE', country: 'UZ' };
  for (const body of [{}, { ...act0, activity_type: 'entrance' }, { ...act0, activity_type: 'EXITS' }, { ...act0, activity_type: 1 },
    { ...act0, country: 'Uzbekistan' }, { ...act0, country: 'uz' }, { ...act0, checkpoint: big(81) }, { ...act0, details: big(501) },
    { ...act0, at: 'yesterday' }, { ...act0, at: '2026-13-01T00:00:00Z' }, { ...act0, at: '2026-02-30T10:00:00Z' },
    { ...act0, at: '2026-05-01T25:00:00Z' }, { ...act0, at: '2026-05-01 10:00:00' }, { ...act0, at: 1770000000 },
    { ...act0, at: '2999-01-01T00:00:00Z' }]) {
    await bad('POST', acts, { token: tok.officer, body }, 422, 'invalid_field');
  }
  for (const body of [{}, { reason: '' }, { reason: 7 }, { reason: big(501) }, { reason: null }]) {
    await bad('POST', `/api/v1/permits/${f.pr.id}/revoke`, { token: tok.ministry, body }, 422, 'invalid_field');
  }
  for (const body of [{ reason: 7 }, { reason: big(501) }]) {
    await bad('POST', `/api/v1/permits/${pa.id}/return`, { token: a.token, body }, 422, 'invalid_field');
  }

  const q0 = { direction: 'outbound', partner: 'GE', year: YEAR, type: 2, start_number: 1, end_number: 9 };
  const quotaCases = [
    [{}], [{ ...q0, direction: 'out' }], [{ ...q0, direction: undefined }], [{ ...q0, partner: 'ge' }], [{ ...q0, partner: 'KG' }],
    [{ ...q0, year: 1999 }], [{ ...q0, year: '2026' }], [{ ...q0, type: 0 }], [{ ...q0, type: 8 }], [{ ...q0, type: 'BILATERAL' }],
    [{ ...q0, start_number: 0 }], [{ ...q0, start_number: -5 }], [{ ...q0, end_number: 1e13 }], [{ ...q0, start_number: 5, end_number: 4 }],
    [{ ...q0, start_number: '1' }], [{ ...q0, end_number: 9.5 }], [{ ...q0, note: big(501) }], [{ ...q0, note: 5 }],
    [{ ...q0, partner: 'XX' }, 'AUTHORITY_NOT_FOUND'], [{ ...q0, type: 1, start_number: 3, end_number: 4 }, 'INVALID_QUOTA_INTERVAL'],
  ];
  for (const [body, code] of quotaCases) await bad('POST', '/api/v1/quotas', { token: tok.ministry, body }, 422, code ?? 'invalid_field');
  for (const body of [{}, { end_number: 0 }, { end_number: 'x' }, { end_number: -1 }, { end_number: 1e13 }, { end_number: 2.5 }]) {
    await bad('PATCH', `/api/v1/quotas/${quota.id}`, { token: tok.ministry, body }, 422, 'invalid_field');
  }
  for (const body of [{ holding_limit: -1 }, { holding_limit: 100001 }, { holding_limit: 'x' }, { min_euro_class: 7 },
    { review: 'sometimes' }, { review: 1 }, { valid_until_month: 13 }, { valid_until_day: 0 }, { fee_som: -1 },
    { entries_per_country: 0 }, { holding_limit: 2, review: 'maybe' }]) {
    await bad('PUT', '/api/v1/permit-types/1', { token: tok.ministry, body }, 422, 'invalid_field');
  }
  for (const body of [{}, { status: 'closed', reason: 'r' }, { status: 'suspended' }, { status: 'suspended', reason: big(501) },
    { status: true, reason: 'r' }]) {
    await bad('PUT', `/api/v1/organisations/${a.org.id}/status`, { token: tok.ministry, body }, 422, 'invalid_field');
  }
  for (const body of [{}, { code: 'rs', name: 'Serbia' }, { code: 'S3', name: 'Serbia' }, { code: 1, name: 'Serbia' },
    { code: 'RS' }, { code: 'RS', name: big(121) }, { code: 'RS', name: 'Serbia', api_url: 'ftp://x' },
    { code: 'RS', name: 'Serbia', api_url: 'javascript:alert(1)' }, { code: 'RS', name: 'Serbia', traceca: 'yes' }]) {
    await bad('POST', '/api/v1/authorities', { token: tok.ministry, body }, 422, 'invalid_field');
  }
  for (const body of [{}, { qr: 5 }, { qr: big(4097) }, { qr: pa.qr, country: 'tr' }, { qr: pa.qr, country: 'TUR' }, { qr: null }]) {
    await bad('POST', '/api/v1/verify', { body }, 422, 'invalid_field');
  }
  // A body near the size limit, and over it.
  await bad('POST', '/api/v1/permit-applications', { token: a.token, body: { ...ap0, trip: { route: big(900000) } } }, 422, 'invalid_field');
  await bad('POST', '/api/v1/permit-applications', { token: a.token, body: { ...ap0, trip: { route: big(2 * 1024 * 1024) } } }, 413);
  assert.deepEqual(await snapshot(k, tok.ministry), before);
});

test('nothing stored, nothing 5xx: nonexistent ids 404, other carriers\' objects 404 (not leaked)', async () => {
  const { k, tok } = srv;
  const { a, b, pb, appB } = f;
  const before = await snapshot(k, tok.ministry);
  const noPermits = [`KG-UZ-${YEAR}-1-999999`, 'KG-UZ-2026-1-0', 'nope', 'KG-UZ-2026-9-1', 'kg-uz-2026-1-1', `KG-UZ-${YEAR}-1-${'9'.repeat(40)}`,
    "KG-UZ-2026-1-1'%20OR%201=1", '%E2%82%AC', '%2e%2e', 'KG-UZ-2026-1-1%20'];
  for (const id of noPermits) {
    await bad('GET', `/api/v1/permits/${id}`, { token: a.token }, 404);
    await bad('POST', `/api/v1/permits/${id}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE', country: 'UZ' } }, 404);
    await bad('POST', `/api/v1/permits/${id}/revoke`, { token: tok.ministry, body: { reason: 'r' } }, 404);
    await bad('POST', `/api/v1/permits/${id}/return`, { token: a.token }, 404);
  }
  for (const id of ['999999', '0', '-1', 'abc', '1.5', '99999999999999999999', '1e3']) {
    await bad('PUT', `/api/v1/vehicles/${id}/status`, { token: a.token, body: { status: 'retired' } }, 404);
    await bad('POST', `/api/v1/permit-applications/${id}/decision`, { token: tok.ministry, body: { approve: true, reason: 'r' } }, 404);
    await bad('PATCH', `/api/v1/quotas/${id}`, { token: tok.ministry, body: { end_number: 9 } }, 404);
    await bad('PUT', `/api/v1/organisations/${id}/status`, { token: tok.ministry, body: { status: 'active', reason: 'r' } }, 404);
  }
  for (const code of ['0', '8', 'abc', '-1', '1.0']) await bad('PUT', `/api/v1/permit-types/${code}`, { token: tok.ministry, body: { holding_limit: 3 } }, 404);
  // Carrier A reaching for carrier B's things: the same 404 as for things that do not exist.
  const theirs = [
    ['GET', `/api/v1/permits/${pb.id}`], ['GET', `/api/v1/permits/${pb.id}/pdf`], ['GET', `/api/v1/permits/${pb.id}/qr`],
    ['GET', `/api/v1/permits/${pb.id}/qr?format=png`], ['GET', `/api/v1/permits/${pb.id}/activities`],
    ['POST', `/api/v1/permits/${pb.id}/return`], ['GET', `/api/v1/vehicles/${b.vehicles[0].id}`],
    ['PUT', `/api/v1/vehicles/${b.vehicles[0].id}/status`, { status: 'retired' }], ['GET', `/api/v1/permit-applications/${appB}`],
  ];
  for (const [method, path, body] of theirs) {
    const r = await bad(method, path, { token: a.token, body }, 404, 'not_found');
    assert.ok(!r.text.includes(pb.plate) && !r.text.includes(b.org.name), `leaks B's data: ${r.text}`);
  }
  assert.deepEqual((await k.req('GET', `/api/v1/permits?plate=${encodeURIComponent(pb.plate)}`, { token: a.token })).json.items, []);
  assert.ok((await k.req('GET', '/api/v1/vehicles', { token: a.token })).json.items.every((v) => v.organisation_id === a.org.id));
  assert.ok((await k.req('GET', '/api/v1/permit-applications', { token: a.token })).json.items.every((x) => x.organisation_id === a.org.id));
  assert.deepEqual(await snapshot(k, tok.ministry), before);
});

test('a malformed plate in an application is a field error, as when registering the vehicle',
  async () => {
  const { k, tok } = srv;
  const before = await snapshot(k, tok.ministry);
  for (const plate of ['!!', 'AB1', '01 KG 123 ABC 4567', 'АВ 1234 КГ']) {
    await bad('POST', '/api/v1/vehicles', { token: f.a.token, body: { plate, vin: 'XTC65115R71299999', kind: 'truck', euro_class: 5 } }, 422, 'invalid_field');
    await bad('POST', '/api/v1/permit-applications', { token: f.a.token, body: { partner: 'UZ', type: 1, plate } }, 422, 'invalid_field');
  }
  assert.deepEqual(await snapshot(k, tok.ministry), before);
});

test('a NUL byte in the path does not cut it short: /permits/{id}%00/pdf is no permit',
  async () => {
  const { k, tok } = srv;
  const id = f.pa.id;
  for (const path of [`/api/v1/permits/${id}%00/pdf`, `/api/v1/permits/${id}%00/activities`, `/api/v1/permits/${id}%00`]) {
    const r = await k.req('GET', path, { token: tok.ministry });
    assert.ok(r.status === 400 || r.status === 404, `GET ${path} → ${r.status} ${r.text.slice(0, 200)}`);
  }
  const before = await snapshot(k, tok.ministry);
  await bad('POST', `/api/v1/permits/${id}%00/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE', country: 'UZ' } }, 400);
  assert.deepEqual(await snapshot(k, tok.ministry), before);
});

test('nothing stored, nothing 5xx: wrong roles get 403, no token 401', async () => {
  const { k, tok } = srv;
  const { a, pa, quota, pending } = f;
  const before = await snapshot(k, tok.ministry);
  const forbidden = [
    // [method, path, body, tokens that must get 403]
    ['POST', '/api/v1/permit-applications', { partner: 'UZ', type: 1, vehicle_id: a.vehicles[2].id },
      [tok.traveller, tok.ministry, tok.officer, tok.auditor, tok.admin]],
    ['POST', '/api/v1/vehicles', { plate: '01 KG 999 ZZZ', vin: 'XTC65115R71299999', kind: 'truck', euro_class: 5 },
      [tok.traveller, tok.ministry, tok.officer, tok.auditor, tok.admin]],
    ['POST', '/api/v1/quotas', { direction: 'outbound', partner: 'GE', year: YEAR, type: 2, start_number: 1, end_number: 9 },
      [a.token, tok.traveller, tok.officer, tok.auditor]],
    ['PATCH', `/api/v1/quotas/${quota.id}`, { end_number: 50 }, [a.token, tok.traveller, tok.officer, tok.auditor]],
    ['PUT', '/api/v1/permit-types/1', { holding_limit: 9 }, [a.token, tok.traveller, tok.officer, tok.auditor]],
    ['POST', '/api/v1/authorities', { code: 'RS', name: 'Serbia' }, [a.token, tok.traveller, tok.officer, tok.auditor]],
    ['POST', `/api/v1/permits/${pa.id}/revoke`, { reason: 'r' }, [tok.officer, a.token, tok.traveller, tok.auditor]],
    ['POST', `/api/v1/permits/${pa.id}/activities`, { activity_type: 'ENTRANCE', country: 'UZ' }, [a.token, tok.ministry, tok.traveller, tok.auditor]],
    ['POST', `/api/v1/permits/${pa.id}/return`, undefined, [tok.ministry, tok.officer, tok.traveller, tok.auditor]],
    ['POST', `/api/v1/permit-applications/${pending.id}/decision`, { approve: true, reason: 'r' }, [a.token, tok.officer, tok.auditor, tok.traveller]],
    ['PUT', `/api/v1/organisations/${a.org.id}/status`, { status: 'suspended', reason: 'r' }, [a.token, tok.officer, tok.auditor, tok.traveller]],
    ['PUT', `/api/v1/vehicles/${a.vehicles[0].id}/status`, { status: 'retired' }, [tok.ministry, tok.officer, tok.auditor, tok.traveller]],
  ];
  for (const [method, path, body, tokens] of forbidden) {
    for (const token of tokens) await bad(method, path, { token, body }, 403);
    await bad(method, path, { body }, 401);
    await bad(method, path, { token: 'not-a-real-token', body }, 401);
  }
  for (const path of ['/api/v1/permits', `/api/v1/permits/${pa.id}`, `/api/v1/permits/${pa.id}/pdf`, '/api/v1/vehicles', '/api/v1/permit-applications']) {
    await bad('GET', path, { token: tok.traveller }, 403);
  }
  assert.deepEqual(await snapshot(k, tok.ministry), before);
  // And the valid requests do go through afterwards (so the 4xx above were about the input).
  for (const [method, path, token, body] of routes()) {
    const r = await k.req(method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  }
  assert.equal((await k.req('POST', `/api/v1/permits/${f.pb.id}/return`, { token: f.b.token })).status, 200);
});
