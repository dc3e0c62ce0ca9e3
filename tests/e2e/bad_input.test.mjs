// bad_input.test.mjs: malformed and invalid requests get the right 4xx with the one JSON
// error shape, and leave nothing changed behind them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServer, newCarrier, carrierBody, travellerBody, assertError, adminToken, rawRequest, PASSWORD,
} from './lib.mjs';

const srv = useServer();

async function userCount(k, token) {
  const r = await k.req('GET', '/api/v1/users', { token: token ?? await adminToken(k) });
  assert.equal(r.status, 200, r.text);
  return r.json.items.length;
}

test('malformed JSON: 400 malformed_json', async () => {
  const { k } = srv;
  const json = { 'content-type': 'application/json' };
  for (const raw of ['{bad', '{"username": "a",}', '{"a":1}{"b":2}', '"just a string', '\u0000']) {
    assertError(await k.req('POST', '/api/v1/session', { raw, headers: json }), 400, 'malformed_json');
  }
  // Valid JSON that is not an object.
  for (const raw of ['[]', '"text"', '42', 'null']) {
    assertError(await k.req('POST', '/api/v1/carriers', { raw, headers: json }), 400, 'malformed_json');
  }
  // Duplicate keys are refused rather than guessed at.
  assertError(await k.req('POST', '/api/v1/session', { raw: '{"username":"a","username":"b","password":"x"}', headers: json }),
    400, 'malformed_json');
  // Invalid UTF-8 inside a string.
  const bad = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","password":"xxxxxxxxxxxx"}')]);
  assertError(await k.req('POST', '/api/v1/session', { raw: bad, headers: json }), 400, 'malformed_json');
});

test('the error message does not echo the request back', async () => {
  const { k } = srv;
  const r = await k.req('POST', '/api/v1/session', { raw: '{"<script>alert(1)</script>', headers: { 'content-type': 'application/json' } });
  assertError(r, 400, 'malformed_json');
  assert.ok(!r.text.includes('<script>'), r.text);
});

// STYLE.md: "never echo request data into an error page". jansson's error text quotes the
// token it choked on ("invalid token near 'SECRETMARKER'"), and server.c copies it into
// the message.
test('the malformed_json message does not quote the body', async () => {
  const { k } = srv;
  for (const raw of ['{"k": SECRETMARKER}', '{"k": "v", <img src=x onerror=alert(1)>}']) {
    const r = await k.req('POST', '/api/v1/session', { raw, headers: { 'content-type': 'application/json' } });
    assertError(r, 400, 'malformed_json');
    assert.ok(!r.text.includes('SECRETMARKER') && !r.text.includes('<'), r.text);
  }
});

test('a 2 MB body: 413 JSON (with Content-Length and chunked), and the server carries on', async () => {
  const { k } = srv;
  const big = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: PASSWORD });
  assertError(await k.req('POST', '/api/v1/session', { raw: big, headers: { 'content-type': 'application/json' } }),
    413, 'body_too_large');
  const chunks = [];
  for (let i = 0; i < 32; i++) chunks.push('x'.repeat(64 * 1024));
  const r = await rawRequest(k.port, {
    method: 'POST', path: '/api/v1/carriers',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    chunks,
  });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json?.error?.code, 'body_too_large', r.text);
  assert.equal((await k.req('GET', '/healthz')).status, 200);
});

test('unknown routes: 404 JSON, for the API and for pages', async () => {
  const { k } = srv;
  assertError(await k.req('GET', '/api/v1/nothing-here'), 404, 'not_found');
  assertError(await k.req('POST', '/api/v1/nothing-here', { body: {} }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v2/session'), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/session/extra'), 404, 'not_found');
  assertError(await k.req('GET', '/no-such-page-' + Date.now()), 404, 'not_found');
  assertError(await k.req('DELETE', '/no-such-page'), 404, 'not_found');
});

test('wrong method: 405 JSON', async () => {
  const { k } = srv;
  assertError(await k.req('PUT', '/api/v1/session', { body: {} }), 405, 'method_not_allowed');
  assertError(await k.req('DELETE', '/api/v1/carriers'), 405, 'method_not_allowed');
  assertError(await k.req('GET', '/api/v1/carriers'), 405, 'method_not_allowed');
  assertError(await k.req('POST', '/healthz'), 405, 'method_not_allowed');
  assertError(await k.req('PATCH', '/api/v1/organisations/1'), 405, 'method_not_allowed');
});

test('missing body: 400 missing_body; wrong content type: 415', async () => {
  const { k } = srv;
  assertError(await k.req('POST', '/api/v1/session'), 400, 'missing_body');
  assertError(await k.req('POST', '/api/v1/carriers', { raw: '' }), 400, 'missing_body');
  const body = JSON.stringify({ username: 'a', password: 'b' });
  assertError(await k.req('POST', '/api/v1/session', { raw: body, headers: { 'content-type': 'text/plain' } }),
    415, 'unsupported_media_type');
  assertError(await k.req('POST', '/api/v1/session', { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    415, 'unsupported_media_type');
  assertError(await k.req('POST', '/api/v1/session', { raw: body, headers: { 'content-type': 'application/jsonx' } }),
    415, 'unsupported_media_type');
  // With parameters it is still JSON: parsed, then refused as wrong credentials.
  const ok = await k.req('POST', '/api/v1/session', { raw: body, headers: { 'content-type': 'application/json; charset=utf-8' } });
  assertError(ok, 401, 'invalid_credentials');
  const upper = await k.req('POST', '/api/v1/session', { raw: body, headers: { 'content-type': 'Application/JSON' } });
  assertError(upper, 401, 'invalid_credentials');
});

test('field validation: 422 naming every bad field', async () => {
  const { k } = srv;
  const body = carrierBody({ inn: '12345', password: 'short', contact_phone: '0555 123 456', contact_email: 'not-an-email' });
  const e = assertError(await k.req('POST', '/api/v1/carriers', { body }), 422, 'invalid_field');
  const fields = e.fields.map((f) => f.field).sort();
  assert.deepEqual(fields, ['contact_email', 'contact_phone', 'inn', 'password']);
  for (const f of e.fields) assert.ok(typeof f.problem === 'string' && f.problem.length > 0, JSON.stringify(f));
  assert.match(e.message, /inn/);

  // Every required field missing at once.
  const empty = assertError(await k.req('POST', '/api/v1/carriers', { body: {} }), 422, 'invalid_field');
  assert.deepEqual(empty.fields.map((f) => f.field).sort(),
    ['address', 'company_name', 'contact_name', 'contact_phone', 'inn', 'licence_number', 'password', 'username']);

  // Wrong types, blank strings, bad username, an individual's INN with an impossible date.
  const typed = assertError(await k.req('POST', '/api/v1/carriers', {
    body: carrierBody({ company_name: 42, address: '   ', username: 'Bad Name', inn: '13213199012345', language: 'de' }),
  }), 422, 'invalid_field');
  assert.deepEqual(typed.fields.map((f) => f.field).sort(), ['address', 'company_name', 'inn', 'language', 'username']);

  const trav = assertError(await k.req('POST', '/api/v1/travellers', {
    body: travellerBody({ phone: '12', password: '123456789', email: 'a@b' }),
  }), 422, 'invalid_field');
  assert.deepEqual(trav.fields.map((f) => f.field).sort(), ['email', 'password', 'phone']);

  // Sign-in needs both fields.
  const s = assertError(await k.req('POST', '/api/v1/session', { body: { username: 'x' } }), 422, 'invalid_field');
  assert.deepEqual(s.fields.map((f) => f.field), ['password']);
});

test('duplicate username or INN: 409', async () => {
  const { k } = srv;
  const a = await newCarrier(k);
  assertError(await k.req('POST', '/api/v1/carriers', { body: carrierBody({ username: a.body.username }) }),
    409, 'username_taken');
  assertError(await k.req('POST', '/api/v1/carriers', { body: carrierBody({ inn: a.body.inn }) }), 409, 'inn_taken');
  assertError(await k.req('POST', '/api/v1/travellers', { body: travellerBody({ username: a.body.username }) }),
    409, 'username_taken');
  // The same username in another case is the same username.
  const upper = await k.req('POST', '/api/v1/travellers', { body: travellerBody({ username: a.body.username.toUpperCase() }) });
  assert.ok(upper.status === 409 || upper.status === 422, `upper-case duplicate: ${upper.status} ${upper.text}`);
});

test('nothing stored changes after bad input', async () => {
  const { k } = srv;
  const a = await newCarrier(k);
  const admin = await adminToken(k);
  const usersBefore = await userCount(k, admin);
  const orgsBefore = (await k.req('GET', '/api/v1/organisations', { token: admin })).json.items;
  const auditBefore = (await k.req('GET', '/api/v1/audit?limit=1000', { token: admin })).json.items.length;

  const json = { 'content-type': 'application/json' };
  await k.req('POST', '/api/v1/carriers', { raw: '{"username":', headers: json });
  await k.req('POST', '/api/v1/carriers', { body: carrierBody({ inn: 'bad' }) });
  await k.req('POST', '/api/v1/carriers', { body: carrierBody({ inn: a.body.inn }) });
  await k.req('POST', '/api/v1/carriers', { body: carrierBody({ username: a.body.username, company_name: 'Changed' }) });
  await k.req('POST', '/api/v1/travellers', { body: travellerBody({ username: a.body.username }) });
  await k.req('POST', '/api/v1/travellers', { body: travellerBody({ password: 'short' }) });
  await k.req('POST', '/api/v1/carriers', { raw: JSON.stringify(carrierBody()), headers: { 'content-type': 'text/plain' } });
  await k.req('POST', '/api/v1/users', { token: a.token, body: { username: 'sneaky', password: PASSWORD, role: 'admin' } });
  await k.req('PUT', `/api/v1/users/${a.user.id}/status`, { token: a.token, body: { status: 'suspended' } });

  assert.equal(await userCount(k, admin), usersBefore);
  const orgsAfter = (await k.req('GET', '/api/v1/organisations', { token: admin })).json.items;
  assert.deepEqual(orgsAfter, orgsBefore);
  const mine = await k.req('GET', '/api/v1/organisations/mine', { token: a.token });
  assert.deepEqual(mine.json, a.org);
  const auditAfter = (await k.req('GET', '/api/v1/audit?limit=1000', { token: admin })).json.items.length;
  assert.equal(auditAfter, auditBefore);
  assert.equal((await k.req('GET', `/api/v1/users/${a.user.id}`, { token: a.token })).json.status, 'active');
});

test('bad query parameters: 400 bad_query', async () => {
  const { k } = srv;
  const admin = await adminToken(k);
  assertError(await k.req('GET', '/api/v1/audit?limit=0', { token: admin }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/audit?limit=abc', { token: admin }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/audit?limit=100000', { token: admin }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/users?organisation_id=-3', { token: admin }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/organisations?kind=pirates', { token: admin }), 400, 'bad_query');
});

test('oversized headers: 431 JSON', async () => {
  const { k } = srv;
  const r = await rawRequest(k.port, { path: '/healthz', headers: { 'x-padding': 'p'.repeat(20000) } });
  assert.equal(r.status, 431, r.text);
  assert.equal(r.json?.error?.code, 'headers_too_large', r.text);
});

test('odd paths are refused or not found, never served', async () => {
  const { k } = srv;
  for (const path of ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/web/../../etc/passwd', '/js/../../Makefile',
    '/.git/config', '/%2e%2e%2fMakefile', '/..%2f..%2fetc/passwd']) {
    const r = await rawRequest(k.port, { path });
    assert.ok([400, 403, 404].includes(r.status), `${path}: ${r.status}`);
    assert.ok(!r.text.includes('.DEFAULT_GOAL'), `${path} served the Makefile`);
    assert.ok(!r.text.includes('root:'), `${path} leaked a file`);
  }
});
