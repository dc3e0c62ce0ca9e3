// admin.test.mjs: the administrator created at first start lists, creates and suspends
// users; every change lands in the audit log with before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, newCarrier, newTraveller, assertError, adminToken, uniq, PASSWORD, ADMIN_PASSWORD } from './lib.mjs';

const srv = useServer();

async function audit(k, token, query = '') {
  const r = await k.req('GET', '/api/v1/audit' + query, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('the server created admin at first start, and said so without printing the password', async () => {
  const { k } = srv;
  const r = await k.req('POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.user.role, 'admin');
  assert.match(k.log(), /created the administrator account/);
  assert.ok(!k.log().includes(ADMIN_PASSWORD), 'the chosen admin password is not logged');
});

test('admin lists users; a carrier may not', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const c = await newCarrier(k);
  const r = await k.req('GET', '/api/v1/users', { token });
  assert.equal(r.status, 200, r.text);
  const names = r.json.items.map((u) => u.username);
  assert.ok(names.includes('admin') && names.includes(c.body.username), names.join(','));
  for (const u of r.json.items) assert.ok(!('pw_hash' in u), 'no password hashes in the list');
  const byOrg = await k.req('GET', `/api/v1/users?organisation_id=${c.org.id}`, { token });
  assert.deepEqual(byOrg.json.items.map((u) => u.username), [c.body.username]);
  assertError(await k.req('GET', '/api/v1/users', { token: c.token }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/audit', { token: c.token }), 403, 'forbidden');
  assertError(await k.req('GET', '/api/v1/users'), 401, 'unauthenticated');
});

test('admin creates users; they can sign in; rules on roles and organisations hold', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const org = await k.req('POST', '/api/v1/organisations', { token, body: { kind: 'border_service', name: 'Border Post Torugart' } });
  assert.equal(org.status, 201, org.text);
  assert.equal(org.json.kind, 'border_service');

  const username = uniq('officer');
  const r = await k.req('POST', '/api/v1/users', {
    token, body: { username, password: PASSWORD, role: 'officer', organisation_id: org.json.id, full_name: 'Bakyt Usenov', language: 'ky' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.role, 'officer');
  assert.equal(r.json.organisation_id, org.json.id);
  const officer = await k.login(username, PASSWORD);
  const mine = await k.req('GET', '/api/v1/organisations/mine', { token: officer });
  assert.equal(mine.json.id, org.json.id);
  // A border officer looks up a truck's carrier at the crossing: in the list and by id alike.
  const carrier = await newCarrier(k, { company_name: uniq('Naryn Cargo ') });
  const found = await k.req('GET', `/api/v1/organisations?kind=carrier&q=${encodeURIComponent(carrier.body.company_name)}`, { token: officer });
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(found.json.items.map((o) => o.id), [carrier.org.id]);
  const one = await k.req('GET', `/api/v1/organisations/${carrier.org.id}`, { token: officer });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.name, carrier.body.company_name);

  // The same name again: 409. An officer without an organisation, an unknown role, an
  // organisation that does not exist: 422.
  assertError(await k.req('POST', '/api/v1/users', { token, body: { username, password: PASSWORD, role: 'officer', organisation_id: org.json.id } }), 409, 'username_taken');
  const noOrg = assertError(await k.req('POST', '/api/v1/users', { token, body: { username: uniq('o'), password: PASSWORD, role: 'officer' } }), 422);
  assert.deepEqual(noOrg.fields.map((f) => f.field), ['role']);
  const badRole = assertError(await k.req('POST', '/api/v1/users', { token, body: { username: uniq('o'), password: 'short', role: 'king' } }), 422);
  assert.deepEqual(badRole.fields.map((f) => f.field).sort(), ['password', 'role']);
  const ghostOrg = assertError(await k.req('POST', '/api/v1/users', { token, body: { username: uniq('o'), password: PASSWORD, role: 'officer', organisation_id: 999999 } }), 422);
  assert.deepEqual(ghostOrg.fields.map((f) => f.field), ['organisation_id']);

  // Only admins create users and organisations.
  assertError(await k.req('POST', '/api/v1/users', { token: officer, body: { username: uniq('x'), password: PASSWORD, role: 'traveller' } }), 403, 'forbidden');
  assertError(await k.req('POST', '/api/v1/organisations', { token: officer, body: { kind: 'carrier', name: 'X' } }), 403, 'forbidden');
});

test('a suspended user cannot sign in (403 account_suspended) and loses open sessions; reactivation restores', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const t = await newTraveller(k);
  const r = await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token, body: { status: 'suspended' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'suspended');

  assertError(await k.req('POST', '/api/v1/session', { body: { username: t.body.username, password: PASSWORD } }), 403, 'account_suspended');
  // A wrong password still says only "wrong credentials".
  assertError(await k.req('POST', '/api/v1/session', { body: { username: t.body.username, password: 'wrong-password' } }), 401, 'invalid_credentials');
  // The session opened before the suspension no longer works.
  assertError(await k.req('GET', '/api/v1/session', { token: t.token }), 401);

  const back = await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token, body: { status: 'active' } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.status, 'active');
  assert.equal((await k.req('POST', '/api/v1/session', { body: { username: t.body.username, password: PASSWORD } })).status, 201);
});

test('status changes: validation, unknown user, and no suspending oneself', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const me = (await k.req('GET', '/api/v1/session', { token })).json.user;
  const t = await newTraveller(k);
  const e = assertError(await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token, body: { status: 'banished' } }), 422, 'invalid_field');
  assert.deepEqual(e.fields.map((f) => f.field), ['status']);
  assertError(await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token, body: {} }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/users/999999/status', { token, body: { status: 'suspended' } }), 404, 'not_found');
  assertError(await k.req('PUT', `/api/v1/users/${me.id}/status`, { token, body: { status: 'suspended' } }), 409, 'self_suspend');
  assert.equal((await k.req('GET', '/api/v1/session', { token })).status, 200);
  assertError(await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token: t.token, body: { status: 'suspended' } }), 403, 'forbidden');
});

test('the audit log has rows for these changes, with before and after', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const c = await newCarrier(k);
  const username = uniq('aud');
  const created = await k.req('POST', '/api/v1/users', { token, body: { username, password: PASSWORD, role: 'carrier', organisation_id: c.org.id } });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const sus = await k.req('PUT', `/api/v1/users/${id}/status`, { token, body: { status: 'suspended' }, headers: { 'x-request-id': 'audit-test-1' } });
  assert.equal(sus.status, 200, sus.text);

  const all = await audit(k, token, '?limit=1000');
  const rows = all.items.filter((e) => e.object_type === 'user' && e.object_id === String(id));
  const actions = rows.map((e) => e.action);
  assert.ok(actions.includes('user.create'), actions.join(','));
  assert.ok(actions.includes('user.status'), actions.join(','));

  const create = rows.find((e) => e.action === 'user.create');
  assert.equal(create.actor, 'admin');
  assert.equal(create.before, null);
  assert.equal(create.after.username, username);
  assert.ok(!JSON.stringify(create).includes('argon2'), 'no password hash in the audit log');

  const status = rows.find((e) => e.action === 'user.status');
  assert.equal(status.actor, 'admin');
  assert.equal(status.before.status, 'active');
  assert.equal(status.after.status, 'suspended');
  assert.equal(status.request_id, 'audit-test-1');
  assert.ok(!Number.isNaN(Date.parse(status.at)));

  // The carrier's own registration is there too, acted by the registrant.
  const reg = all.items.find((e) => e.action === 'organisation.create' && e.object_id === String(c.org.id));
  assert.ok(reg, 'organisation.create row');
  assert.equal(reg.after.inn, c.body.inn);
  assert.equal(reg.actor, c.body.username);

  // Newest first; filters; paging with next_before.
  const ids = all.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const filtered = await audit(k, token, `?object_type=user&object_id=${id}`);
  assert.deepEqual(filtered.items.map((e) => e.id).sort(), rows.map((e) => e.id).sort());
  const page1 = await audit(k, token, '?limit=2');
  assert.equal(page1.items.length, 2);
  assert.equal(page1.next_before, page1.items[1].id);
  const page2 = await audit(k, token, `?limit=2&before=${page1.next_before}`);
  assert.ok(page2.items.every((e) => e.id < page1.next_before));
  assert.deepEqual(page2.items.map((e) => e.id), ids.slice(2, 4));
});

test('an auditor reads the audit log and users but changes nothing', async () => {
  const { k } = srv;
  const token = await adminToken(k);
  const username = uniq('auditor');
  assert.equal((await k.req('POST', '/api/v1/users', { token, body: { username, password: PASSWORD, role: 'auditor' } })).status, 201);
  const aud = await k.login(username, PASSWORD);
  assert.equal((await k.req('GET', '/api/v1/audit', { token: aud })).status, 200);
  assert.equal((await k.req('GET', '/api/v1/users', { token: aud })).status, 200);
  assert.equal((await k.req('GET', '/api/v1/organisations', { token: aud })).status, 200);
  const t = await newTraveller(k);
  assertError(await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token: aud, body: { status: 'suspended' } }), 403, 'forbidden');
  assertError(await k.req('POST', '/api/v1/users', { token: aud, body: { username: uniq('z'), password: PASSWORD, role: 'traveller' } }), 403, 'forbidden');
});
