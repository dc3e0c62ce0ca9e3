// hardening.test.mjs: the smaller findings of the issue "hold under abuse" (item 9 and 8),
// each reproduced first: the permit PDF for a 195-200 character company name, strict ids
// and times, how far back a crossing may be registered, and 409s that name nothing of
// another organisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, newCarrier, addVehicle, issue, assertError, clockNow } from './permits_helpers.test.mjs';

const srv = usePermitServer();

test('found 8: the permit PDF of a company with a 195 to 200 character name', async () => {
  const { k } = srv;
  const names = [];
  for (const n of [195, 200]) {
    const words = [];
    while (words.join(' ').length < n) words.push('Транспорт');
    names.push(words.join(' ').slice(0, n).trim(), 'W'.repeat(n), 'Ш'.repeat(n), 'WM '.repeat(n).slice(0, n));
  }
  for (const name of names) {
    const c = await newCarrier(k, { company_name: name });
    const v = await addVehicle(k, c.token);
    const permit = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
    const r = await fetch(`${k.url}/api/v1/permits/${permit.id}/pdf`, { headers: { authorization: `Bearer ${c.token}` } });
    assert.equal(r.status, 200, await r.clone().text());
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  }
});

test('found 9: ids like +1 are no ids', async () => {
  const { k, tok } = srv;
  for (const id of ['+1', '%2B1', '1e0', '0x1', '%201']) {
    assertError(await k.req('GET', `/api/v1/bookings/${id}`, { token: tok.officer }), 404, 'not_found');
    assertError(await k.req('GET', `/api/v1/tips/${id}`, { token: tok.officer }), 404, 'not_found');
  }
  assertError(await k.req('GET', '/api/v1/tips?limit=+5', { token: tok.officer }), 400, 'bad_query');
});

test('found 9: times like 13:-9:-9 are refused; a crossing cannot be backdated without limit', async () => {
  const { k, tok } = srv;
  const crossing = (at) => k.req('POST', '/api/v1/crossings', { token: tok.officer,
    body: { checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'car', plate: `HD ${String(Date.now() % 100000).padStart(5, '0')}`, at } });
  for (const at of ['2026-11-24T13:-9:-9Z', '2026-11-24T13:-9', '2026-11-24T24:00Z', '2026-11-24T12:00:60Z']) {
    const err = assertError(await crossing(at), 422, 'invalid_field');
    assert.ok(err.fields.some((f) => f.field === 'at'), at);
  }
  const old = new Date(clockNow() - 10 * 86400000).toISOString().slice(0, 19) + 'Z';
  const err = assertError(await crossing(old), 422, 'invalid_field');
  assert.match(err.fields.find((f) => f.field === 'at').problem, /within the last 72 hours/);
  const recent = new Date(clockNow() - 2 * 3600000).toISOString().slice(0, 19) + 'Z';
  assert.equal((await crossing(recent)).status, 201);
});

test('found 9: a 409 names nothing of another organisation', async () => {
  const { k } = srv;
  const a = await newCarrier(k);
  const b = await newCarrier(k);
  const v = await addVehicle(k, a.token);
  const r = await k.req('POST', '/api/v1/vehicles', { token: b.token, body: { plate: v.plate, vin: v.vin, kind: 'tractor', euro_class: 5 } });
  assertError(r, 409, 'vehicle_exists');
  for (const secret of [v.plate.replace(/ /g, ''), v.vin, a.body.company_name, a.body.inn, a.body.username]) assert.ok(!r.text.includes(secret), r.text);
  const dup = await k.req('POST', '/api/v1/carriers', { body: { ...a.body, username: `x${a.body.username}`.slice(0, 32) } });
  assertError(dup, 409, 'inn_taken');
  assert.ok(!dup.text.includes(a.body.inn), dup.text);
  const name = await k.req('POST', '/api/v1/travellers', { body: { username: a.body.username, password: 'a long passphrase', full_name: 'X' } });
  assertError(name, 409, 'username_taken');
  assert.ok(!name.text.includes(a.body.username), name.text);
});

test('found 9: secrets are refused as flag values (ps shows them) and read from standard input with -', async () => {
  const { k } = srv;
  for (const flag of ['--admin-password', '--key-passphrase']) {
    const r = await k.run(['migrate', flag, 'visible-in-ps-1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /would show the secret/);
  }
  const ok = await k.run(['migrate', '--admin-password', '-'], { input: 'read from stdin 123\n' });
  assert.equal(ok.code, 0, ok.stderr);
});

test('found 9: the SQLite database file is readable by its owner only', async () => {
  const { k } = srv;
  if (k.kind !== 'sqlite') return;
  const { statSync } = await import('node:fs');
  const path = k.dbUrl.replace(/^sqlite:/, '');
  assert.equal(statSync(path).mode & 0o777, 0o600);
});
