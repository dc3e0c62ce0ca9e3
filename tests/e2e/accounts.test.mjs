// accounts.test.mjs: the foundation's "done when": a carrier registers, signs in and reads
// its own organisation; travellers and other carriers may not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, newCarrier, newTraveller, carrierBody, travellerBody, assertError, adminToken, PASSWORD, clockNow } from './lib.mjs';

const srv = useServer();

test('a carrier registers, signs in and reads its own organisation', async () => {
  const { k } = srv;
  const body = carrierBody({ company_name: 'Ala-Archa Logistics', username: 'alaarcha' });
  const reg = await k.req('POST', '/api/v1/carriers', { body });
  assert.equal(reg.status, 201, reg.text);
  const { user, organisation: org } = reg.json;
  assert.equal(user.username, 'alaarcha');
  assert.equal(user.role, 'carrier');
  assert.equal(user.status, 'active');
  assert.equal(user.organisation_id, org.id);
  assert.ok(!('pw_hash' in user) && !('password' in user), 'no password material in the answer');
  assert.ok(!JSON.stringify(reg.json).includes(PASSWORD), 'the password is not echoed');
  assert.equal(org.kind, 'carrier');
  assert.equal(org.name, 'Ala-Archa Logistics');
  assert.equal(org.inn, body.inn);
  assert.equal(org.licence_number, body.licence_number);
  assert.equal(org.contact.phone, body.contact_phone);
  assert.equal(reg.headers.get('location'), `/api/v1/users/${user.id}`);

  const s = await k.req('POST', '/api/v1/session', { body: { username: 'alaarcha', password: PASSWORD } });
  assert.equal(s.status, 201, s.text);
  assert.match(s.json.token, /^[A-Za-z0-9_-]{32,64}$/);
  assert.equal(typeof s.json.csrf_token, 'string');
  assert.ok(Date.parse(s.json.expires_at) > clockNow());
  assert.equal(s.json.user.id, user.id);
  const token = s.json.token;

  const byId = await k.req('GET', `/api/v1/organisations/${org.id}`, { token });
  assert.equal(byId.status, 200, byId.text);
  assert.deepEqual(byId.json, org);

  const mine = await k.req('GET', '/api/v1/organisations/mine', { token });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json, org);

  const me = await k.req('GET', `/api/v1/users/${user.id}`, { token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.username, 'alaarcha');
});

test('usernames are matched case-insensitively at sign-in', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const r = await k.req('POST', '/api/v1/session', { body: { username: c.body.username.toUpperCase(), password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
});

test('a traveller gets 403 on an organisation, and on "mine"', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const t = await newTraveller(k);
  assert.equal(t.user.role, 'traveller');
  assert.equal(t.user.organisation_id, null);
  assertError(await k.req('GET', `/api/v1/organisations/${c.org.id}`, { token: t.token }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/organisations/mine', { token: t.token }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/organisations', { token: t.token }), 403, 'forbidden');
});

test("another carrier gets 403 on the first one's organisation", async () => {
  const { k } = srv;
  const a = await newCarrier(k);
  const b = await newCarrier(k);
  assert.notEqual(a.org.id, b.org.id);
  assertError(await k.req('GET', `/api/v1/organisations/${a.org.id}`, { token: b.token }), 403, 'forbidden');
  assertError(await k.req('GET', `/api/v1/organisations/${b.org.id}`, { token: a.token }), 403, 'forbidden');
  // ... and on the other's user account, and on the list of all organisations.
  assertError(await k.req('GET', `/api/v1/users/${a.user.id}`, { token: b.token }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/organisations', { token: b.token }), 403, 'forbidden');
  // Its own still works.
  assert.equal((await k.req('GET', `/api/v1/organisations/${b.org.id}`, { token: b.token })).status, 200);
});

test('an organisation that does not exist: 403 for a carrier, 404 for staff, 404 for a non-number', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  assertError(await k.req('GET', '/api/v1/organisations/999999', { token: c.token }), 403, 'forbidden');
  const admin = await adminToken(k);
  assertError(await k.req('GET', '/api/v1/organisations/999999', { token: admin }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/organisations/abc', { token: admin }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/organisations/-1', { token: admin }), 404, 'not_found');
  assertError(await k.req('GET', '/api/v1/organisations/99999999999999999999999', { token: admin }), 404, 'not_found');
  const seen = await k.req('GET', `/api/v1/organisations/${c.org.id}`, { token: admin });
  assert.equal(seen.status, 200, seen.text);
  assert.deepEqual(seen.json, c.org);
});

test('without a token: 401 with WWW-Authenticate; with a made-up token: 401', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const r = await k.req('GET', `/api/v1/organisations/${c.org.id}`);
  assertError(r, 401, 'unauthenticated');
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer/);
  assertError(await k.req('GET', '/api/v1/organisations/mine', { token: 'x'.repeat(43) }), 401, 'unauthenticated');
  assertError(await k.req('GET', '/api/v1/session', { token: 'short' }), 401, 'unauthenticated');
  assertError(await k.req('GET', '/api/v1/session', { headers: { authorization: 'Basic YWRtaW46eA==' } }), 401);
});

test('a traveller registers with the required passport name', async () => {
  const { k } = srv;
  const noName = travellerBody();
  delete noName.full_name;
  const e = assertError(await k.req('POST', '/api/v1/travellers', { body: noName }), 422, 'invalid_field');
  assert.deepEqual(e.fields.map((f) => f.field), ['full_name']);
  const ok = await k.req('POST', '/api/v1/travellers', { body: travellerBody({ full_name: 'Müller Jürgen' }) });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.user.full_name, 'Müller Jürgen');
  assert.equal(ok.json.organisation, undefined);
});
