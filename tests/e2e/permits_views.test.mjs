// permits_views.test.mjs: what the ministry reads: quotas with their usage, the parity
// view (both directions side by side), usage per partner/type/year and per carrier as
// JSON and CSV (numbers that add up with what was issued); quota ranges that overlap or
// shrink below what was issued are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, newCarrier, assertError, addVehicle, carrierWithFleet, issue, createQuota, quotaById, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

// RFC 4180 enough for kapka's exports: quoted cells with doubled quotes, CRLF rows.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function csv(k, path, token) {
  const r = await k.req('GET', path, { token });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^text\/csv/);
  assert.match(r.headers.get('content-disposition') || '', /^attachment; filename="[a-z-]+\.csv"$/);
  assert.ok(r.text.endsWith('\r\n'), 'rows end with CRLF');
  const rows = parseCsv(r.text);
  return { header: rows[0], rows: rows.slice(1).map((x) => Object.fromEntries(rows[0].map((h, i) => [h, x[i]]))) };
}

const get = async (k, path, token = srv.tok.ministry) => {
  const r = await k.req('GET', path, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('quotas with usage: issued, used, returned, revoked, remaining follow what happens to permits', async () => {
  const { k, tok } = srv;
  const q = await createQuota(k, tok.ministry, { partner: 'GE', type: 1, start_number: 101, end_number: 110, note: 'GE 2026 first tranche' });
  assert.equal(q.direction, 'outbound');
  assert.equal(q.issuer, 'KG');
  assert.equal(q.verifier, 'GE');
  assert.equal(q.size, 10);
  assert.equal(q.note, 'GE 2026 first tranche');
  assert.deepEqual(q.usage, { issued: 0, used: 0, returned: 0, revoked: 0, expired: 0, remaining: 10 });
  const c = await carrierWithFleet(k, 4);
  const ps = [];
  for (const v of c.vehicles) ps.push(await issue(k, c.token, { partner: 'GE', type: 1, vehicle_id: v.id }));
  assert.deepEqual(ps.map((p) => p.serial), [101, 102, 103, 104]);
  assert.equal((await k.req('POST', `/api/v1/permits/${ps[0].id}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE', country: 'GE' } })).status, 201);
  assert.equal((await k.req('POST', `/api/v1/permits/${ps[1].id}/return`, { token: c.token })).status, 200);
  assert.equal((await k.req('POST', `/api/v1/permits/${ps[2].id}/revoke`, { token: tok.ministry, body: { reason: 'r' } })).status, 200);
  const after = await quotaById(k, tok.ministry, q.id);
  assert.deepEqual(after.usage, { issued: 4, used: 1, returned: 1, revoked: 1, expired: 0, remaining: 6 });
  // Filters, and who may read.
  const ge = await get(k, `/api/v1/quotas?partner=GE&year=${YEAR}`);
  assert.ok(ge.items.length >= 1 && ge.items.every((x) => x.partner === 'GE' && x.year === YEAR), JSON.stringify(ge));
  assert.deepEqual((await get(k, '/api/v1/quotas?year=2199')).items, []);
  assertError(await k.req('GET', '/api/v1/quotas?partner=georgia', { token: tok.ministry }), 400);
  assertError(await k.req('GET', '/api/v1/quotas?year=abc', { token: tok.ministry }), 400);
  assert.equal((await k.req('GET', '/api/v1/quotas', { token: c.token })).status, 200, 'carriers may see quotas');
  assert.equal((await k.req('GET', '/api/v1/quotas', { token: tok.auditor })).status, 200);
  for (const path of ['/api/v1/quotas/parity', '/api/v1/quotas/usage', '/api/v1/quotas/usage/carriers']) {
    assertError(await k.req('GET', path, { token: c.token }), 403);
    assertError(await k.req('GET', path, { token: tok.officer }), 403);
    assertError(await k.req('GET', path), 401);
  }
  assertError(await k.req('GET', '/api/v1/quotas', { token: tok.traveller }), 403);
});

test('parity: both directions per partner and year, side by side, with balanced flags', async () => {
  const { k, tok } = srv;
  // The demo data grants UZ and UZ grants us the same.
  let items = (await get(k, `/api/v1/quotas/parity?year=${YEAR}`)).items;
  const uz = items.find((x) => x.partner === 'UZ' && x.year === YEAR);
  assert.ok(uz, JSON.stringify(items));
  assert.equal(uz.granted_to_us.size, uz.granted_by_us.size);
  assert.equal(uz.balanced, true);
  assert.equal(uz.difference, 0);
  // Moldova grants us 30; we grant nothing yet: unbalanced by 30. Then we grant 30 back.
  await createQuota(k, tok.ministry, { partner: 'MD', type: 1, start_number: 1, end_number: 30 });
  const c = await carrierWithFleet(k, 2);
  for (const v of c.vehicles) await issue(k, c.token, { partner: 'MD', type: 1, vehicle_id: v.id });
  let md = (await get(k, `/api/v1/quotas/parity?year=${YEAR}&partner=MD`)).items;
  assert.equal(md.length, 1, JSON.stringify(md));
  assert.deepEqual(md[0].granted_to_us, { size: 30, issued: 2, used: 0 });
  assert.deepEqual(md[0].granted_by_us, { size: 0, issued: 0, used: 0 });
  assert.equal(md[0].balanced, false);
  assert.equal(md[0].difference, 30);
  const inbound = await createQuota(k, tok.ministry, { direction: 'inbound', partner: 'MD', type: 1, start_number: 1, end_number: 20 });
  assert.equal(inbound.direction, 'inbound');
  assert.equal(inbound.issuer, 'MD');
  assert.equal(inbound.verifier, 'KG');
  await createQuota(k, tok.ministry, { direction: 'inbound', partner: 'MD', type: 2, start_number: 1, end_number: 10 });
  md = (await get(k, `/api/v1/quotas/parity?year=${YEAR}&partner=MD`)).items;
  assert.deepEqual(md[0].granted_by_us, { size: 30, issued: 0, used: 0 }, 'all types of the year count');
  assert.equal(md[0].balanced, true);
  assert.equal(md[0].difference, 0);
  // Other years are other rows.
  await createQuota(k, tok.ministry, { partner: 'MD', type: 1, year: YEAR + 1, start_number: 1, end_number: 5 });
  items = (await get(k, '/api/v1/quotas/parity?partner=MD')).items;
  assert.deepEqual(items.map((x) => x.year).sort(), [YEAR, YEAR + 1]);
  assert.equal(items.find((x) => x.year === YEAR + 1).balanced, false);
});

test('usage per partner/type/year, JSON and CSV: the same numbers, adding up with the permits', async () => {
  const { k, tok } = srv;
  const c = await carrierWithFleet(k, 3);
  for (const v of c.vehicles) await issue(k, c.token, { partner: 'TJ', type: 1, vehicle_id: v.id });
  const json = (await get(k, `/api/v1/quotas/usage?year=${YEAR}`)).items;
  const { header, rows } = await csv(k, `/api/v1/quotas/usage?year=${YEAR}&format=csv`, tok.ministry);
  assert.deepEqual(header, ['partner', 'direction', 'year', 'type', 'size', 'issued', 'used', 'returned', 'revoked', 'expired', 'remaining']);
  assert.equal(rows.length, json.length);
  for (const j of json) {
    const row = rows.find((r) => r.partner === j.partner && r.direction === j.direction && r.type === j.type_name && Number(r.year) === j.year);
    assert.ok(row, `no CSV row for ${JSON.stringify(j)}`);
    for (const f of ['size', 'issued', 'used', 'returned', 'revoked', 'expired', 'remaining']) assert.equal(Number(row[f]), j[f], `${j.partner} ${f}`);
  }
  // Every outbound row's issued equals the permits of that partner and type.
  const permits = (await get(k, `/api/v1/permits?year=${YEAR}&limit=1000`)).items;
  for (const j of json.filter((x) => x.direction === 'outbound')) {
    const n = permits.filter((p) => p.verifier === j.partner && p.type === j.type).length;
    assert.equal(j.issued, n, `${j.partner} ${j.type_name}: usage says ${j.issued}, permits ${n}`);
  }
  const tj = json.find((x) => x.partner === 'TJ' && x.direction === 'outbound' && x.type === 1);
  assert.equal(tj.issued, 3);
  assert.equal(tj.remaining, tj.size - 3);
  const outboundIssued = json.filter((x) => x.direction === 'outbound').reduce((s, x) => s + x.issued, 0);
  assert.equal(outboundIssued, permits.length);
  // Accept: text/csv asks for the same.
  const r = await k.req('GET', `/api/v1/quotas/usage?year=${YEAR}`, { token: tok.auditor, headers: { accept: 'text/csv' } });
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(parseCsv(r.text).length - 1, json.length);
});

test('usage per carrier, JSON and CSV: each carrier\'s permits; names are quoted and defused', async () => {
  const { k, tok } = srv;
  const plain = await carrierWithFleet(k, 2);
  for (const v of plain.vehicles) await issue(k, plain.token, { partner: 'KZ', type: 1, vehicle_id: v.id });
  const [ret] = (await get(k, '/api/v1/permits', plain.token)).items;
  assert.equal((await k.req('POST', `/api/v1/permits/${ret.id}/return`, { token: plain.token })).status, 200);
  // Company names a spreadsheet would trip over.
  const comma = await newCarrier(k, { company_name: 'Osh Cargo, "Express" LLC' });
  const formula = await newCarrier(k, { company_name: '=HYPERLINK("http://evil.example","x")' });
  for (const c of [comma, formula]) {
    const v = await addVehicle(k, c.token);
    await issue(k, c.token, { partner: 'KZ', type: 1, vehicle_id: v.id });
  }
  const json = (await get(k, `/api/v1/quotas/usage/carriers?year=${YEAR}`)).items;
  const mine = json.filter((x) => x.organisation_id === plain.org.id);
  assert.deepEqual(mine.map((x) => [x.partner, x.type, x.issued, x.used, x.returned, x.revoked]), [['KZ', 1, 2, 0, 1, 0]]);
  assert.equal(mine[0].company, plain.org.name);
  // The sum over carriers is every permit of the year.
  const permits = (await get(k, `/api/v1/permits?year=${YEAR}&limit=1000`)).items;
  assert.equal(json.reduce((s, x) => s + x.issued, 0), permits.length);

  const { header, rows } = await csv(k, `/api/v1/quotas/usage/carriers?year=${YEAR}&format=csv`, tok.ministry);
  assert.deepEqual(header, ['organisation_id', 'company', 'partner', 'year', 'type', 'issued', 'used', 'returned', 'revoked']);
  assert.equal(rows.length, json.length);
  for (const j of json) {
    const row = rows.find((r) => Number(r.organisation_id) === j.organisation_id && r.partner === j.partner && r.type === j.type_name);
    assert.ok(row, `no CSV row for ${JSON.stringify(j)}`);
    for (const f of ['issued', 'used', 'returned', 'revoked']) assert.equal(Number(row[f]), j[f]);
  }
  assert.equal(rows.find((r) => Number(r.organisation_id) === comma.org.id).company, 'Osh Cargo, "Express" LLC');
  const f = rows.find((r) => Number(r.organisation_id) === formula.org.id).company;
  assert.ok(!/^[=+\-@]/.test(f), `a cell starting with = must be defused, got ${f}`);
  assert.ok(f.includes('HYPERLINK'), f);
});

test('quota ranges: overlap → 422 INVALID_QUOTA_INTERVAL; adjacent and other directions are fine', async () => {
  const { k, tok } = srv;
  const base = { partner: 'AM', type: 1, start_number: 1000, end_number: 1999 };
  const q = await createQuota(k, tok.ministry, base);
  for (const [start, end] of [[1000, 1999], [1500, 2500], [500, 1000], [1999, 1999], [1, 99999]]) {
    const r = await k.req('POST', '/api/v1/quotas', { token: tok.ministry, body: { direction: 'outbound', year: YEAR, ...base, start_number: start, end_number: end } });
    assertError(r, 422, 'INVALID_QUOTA_INTERVAL');
  }
  await createQuota(k, tok.ministry, { ...base, start_number: 2000, end_number: 2099 });
  await createQuota(k, tok.ministry, { ...base, start_number: 1, end_number: 999 });
  await createQuota(k, tok.ministry, { ...base, direction: 'inbound' });
  await createQuota(k, tok.ministry, { ...base, type: 2 });
  await createQuota(k, tok.ministry, { ...base, year: YEAR + 1 });
  assertError(await k.req('POST', '/api/v1/quotas', { token: tok.ministry, body: { direction: 'outbound', year: YEAR, ...base, start_number: 10, end_number: 5 } }), 422, 'invalid_field');
  assertError(await k.req('POST', '/api/v1/quotas', { token: tok.ministry, body: { direction: 'outbound', year: YEAR, ...base, partner: 'KG' } }), 422, 'invalid_field');
  // Serials come from the lowest range first.
  const c = await carrierWithFleet(k, 1);
  const p = await issue(k, c.token, { partner: 'AM', type: 1, vehicle_id: c.vehicles[0].id });
  assert.equal(p.serial, 1);
  assert.equal((await quotaById(k, tok.ministry, q.id)).usage.issued, 0);
});

test('PATCH a quota: grow it, shrink it to what is issued, never below or into a neighbour', async () => {
  const { k, tok } = srv;
  const q = await createQuota(k, tok.ministry, { partner: 'IR', type: 1, start_number: 1, end_number: 10 });
  await createQuota(k, tok.ministry, { partner: 'IR', type: 1, start_number: 21, end_number: 30 });
  const c = await carrierWithFleet(k, 3);
  for (const v of c.vehicles) await issue(k, c.token, { partner: 'IR', type: 1, vehicle_id: v.id });
  const patch = (end) => k.req('PATCH', `/api/v1/quotas/${q.id}`, { token: tok.ministry, body: { end_number: end } });
  assertError(await patch(2), 422, 'INVALID_QUOTA_INTERVAL');
  assertError(await patch(25), 422, 'INVALID_QUOTA_INTERVAL');
  let r = await patch(20);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.size, 20);
  assert.equal(r.json.usage.remaining, 17);
  r = await patch(3);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.usage.remaining, 0);
  assert.equal((await quotaById(k, tok.ministry, q.id)).end_number, 3);
  // The next permit comes from the next range.
  const more = await carrierWithFleet(k, 1);
  assert.equal((await issue(k, more.token, { partner: 'IR', type: 1, vehicle_id: more.vehicles[0].id })).serial, 21);
  const audit = await k.req('GET', `/api/v1/audit?object_type=quota&object_id=${q.id}`, { token: tok.auditor });
  assert.deepEqual(audit.json.items.map((e) => e.action), ['quota.adjust', 'quota.adjust', 'quota.create']);
});
