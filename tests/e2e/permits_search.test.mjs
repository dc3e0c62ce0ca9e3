// permits_search.test.mjs: the paged permit search with the reference's filters, on a
// carrier's own permits: each filter alone, together, paging without overlap, the
// carrier's view limited to its own organisation, and malformed filters refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, carrierWithFleet, issue, createQuota, assertError, YEAR, localDate } from './permits_helpers.test.mjs';

const srv = usePermitServer();
let f;

const search = (k, token, query) => k.req('GET', `/api/v1/permit-search?${new URLSearchParams(query)}`, { token });
async function ids(k, token, query) {
  const r = await search(k, token, query);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((p) => p.id).sort();
}

test('fixtures: a carrier with five permits of two types, one used, one revoked, one with a trailer', async () => {
  const { k, tok } = srv;
  await createQuota(k, tok.ministry, { partner: 'TR', type: 2, start_number: 1, end_number: 50 });
  const c = await carrierWithFleet(k, 5);
  const me = (await k.req('GET', '/api/v1/organisations/mine', { token: c.token })).json;
  const p = [];
  for (let i = 0; i < 3; i++) p.push(await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[i].id }));
  p.push(await issue(k, c.token, { partner: 'TR', type: 2, vehicle_id: c.vehicles[3].id, trailer_plate: '01KG777TRL',
    departure_country: 'KG', arrival_country: 'GE' }));
  p.push(await issue(k, c.token, { partner: 'TR', type: 2, vehicle_id: c.vehicles[4].id }));
  const used = await k.req('POST', `/api/v1/permits/${p[0].id}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE', country: 'UZ' } });
  assert.equal(used.status, 201, used.text);
  const rv = await k.req('POST', `/api/v1/permits/${p[1].id}/revoke`, { token: tok.ministry, body: { reason: 'test' } });
  assert.equal(rv.status, 200, rv.text);
  f = { c, me, p };
});

test('each filter narrows to what it names', async () => {
  const { k, tok } = srv;
  const { me, p } = f;
  const mine = { company_id: me.inn };
  const all = p.map((x) => x.id).sort();
  assert.deepEqual(await ids(k, tok.ministry, mine), all);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issuer: 'KG' }), all);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issued_for: 'UZ' }), [p[0].id, p[1].id, p[2].id].sort());
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, type: 2 }), [p[3].id, p[4].id].sort());
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, year: YEAR }), all);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, year: YEAR + 1 }), []);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, used: 'true' }), [p[0].id]);
  assert.equal((await ids(k, tok.ministry, { ...mine, used: 'false' })).length, 4);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, revoked: 'true' }), [p[1].id]);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, revoked: '0', used: '0' }), [p[2].id, p[3].id, p[4].id].sort());
  assert.deepEqual(await ids(k, tok.ministry, { plate: p[2].plate.toLowerCase() }), [p[2].id]);
  assert.deepEqual(await ids(k, tok.ministry, { trailer_plate: '01 KG 777 TRL' }), [p[3].id]);
  assert.deepEqual(await ids(k, tok.ministry, { permit_id: p[4].id }), [p[4].id]);
  const today = localDate(0);
  const tomorrow = localDate(1);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issued_from: today, issued_to: today }), all);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issued_from: tomorrow }), []);
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issued_for: 'TR', type: 2, trailer_plate: '01KG777TRL', used: 'false' }), [p[3].id]);
  // an organisation's code may have up to 16 letters (kp_check_authority_code); the search refused past 10
  assert.deepEqual(await ids(k, tok.ministry, { ...mine, issued_for: 'ABCDEFGHIJKLMNOP' }), []);
});

test('pages: newest first, no permit twice, totals', async () => {
  const { k, tok } = srv;
  const seen = [];
  for (let page = 0; page < 3; page++) {
    const r = await search(k, tok.ministry, { company_id: f.me.inn, size: 2, page });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 5);
    assert.equal(r.json.pages, 3);
    assert.equal(r.json.page, page);
    assert.equal(r.json.items.length, page < 2 ? 2 : 1);
    seen.push(...r.json.items);
  }
  assert.equal(new Set(seen.map((x) => x.id)).size, 5);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].issued_at >= seen[i].issued_at);
  const past = await search(k, tok.ministry, { company_id: f.me.inn, size: 2, page: 9 });
  assert.deepEqual(past.json.items, []);
  assert.equal(past.json.total, 5);
});

test('a carrier finds only its own permits, whatever it asks', async () => {
  const { k, tok } = srv;
  const other = await carrierWithFleet(k, 1);
  const r = await search(k, other.token, { company_id: f.me.inn });
  assert.equal(r.status, 200);
  assert.equal(r.json.total, 0);
  assert.equal((await search(k, f.c.token, {})).json.total, 5);
  assertError(await search(k, null, {}), 401);
  assert.equal((await search(k, tok.officer, { company_id: f.me.inn })).json.total, 5);
});

test('malformed filters: 400 naming the parameter', async () => {
  const { k, tok } = srv;
  for (const q of [{ used: 'yes' }, { revoked: 'maybe' }, { issuer: 'kg' }, { issued_for: 'U1' }, { issued_for: 'ABCDEFGHIJKLMNOPQ' }, { type: 8 }, { year: 1999 },
    { page: -1 }, { size: 0 }, { size: 101 }, { plate: 'Ж' }, { trailer_plate: '1' }, { issued_from: '01/12/2026' },
    { issued_from: '2026-12-02', issued_to: '2026-12-01' }, { company_id: 'x'.repeat(300) }]) {
    const r = await search(k, tok.ministry, q);
    assertError(r, 400, 'bad_query');
  }
});
