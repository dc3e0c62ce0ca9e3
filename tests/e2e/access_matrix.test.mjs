// access_matrix.test.mjs: every route × every role, and every object a route returns or
// changes against a second organisation (or account) of the same role. Generated from the
// route table as the server documents it (GET /api/v1/openapi.json; test_routes.c holds
// the document to the table), so a new route is covered the day it is added.
//
// 1. Roles: each operation is called by anonymous, each user role and checkpoint
//    equipment, with placeholder parameters and an empty JSON body: a role the table does
//    not list gets 401 (anonymous) or 403, a listed one never 401/403 `forbidden`, and no
//    answer is ever 5xx.
// 2. Ownership: carrier A owns a vehicle, a permit, an application, a booking, its
//    organisation and user; traveller A a temporary import, a booking, a border-zone
//    application and permit, and the user; carrier B and traveller B
//    call every route whose path names such an object with A's id: never 2xx, and A's
//    objects read the same afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, newCarrier, newTraveller, addVehicle, issue, assertError, DEMO_PASSWORD, ADMIN_PASSWORD, localDate } from './permits_helpers.test.mjs';

const ROLES = ['carrier', 'traveller', 'officer', 'ministry', 'auditor', 'admin', 'device'];
// Never called by a role that may: they sign the caller out or rotate the signing key.
const DESTRUCTIVE = new Set(['DELETE /api/v1/session', 'POST /api/v1/keys']);

function operations(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({ method: method.toUpperCase(), path, roles: op['x-kapka-roles'] || [], public: (op.security || [{}]).length === 0 });
    }
  }
  return ops;
}

const fill = (path, value) => path.replace(/\{[^}]+\}/g, value);

async function principals(k) {
  const tok = { anonymous: null };
  for (const name of ['carrier', 'traveller', 'officer', 'ministry', 'auditor']) tok[name] = await k.login(name, DEMO_PASSWORD);
  tok.admin = await k.login('admin', ADMIN_PASSWORD);
  const d = await k.req('POST', '/api/v1/checkpoints/dostyk/devices', { token: tok.officer, body: { name: 'matrix camera', kind: 'plate_camera' } });
  assert.equal(d.status, 201, d.text);
  tok.device = d.json.key;
  return tok;
}

function call(k, op, path, token) {
  const write = op.method !== 'GET';
  return k.req(op.method, path, { token, body: write ? {} : undefined });
}

test('every route × every role: the table\'s roles only, never a 5xx', async () => {
  await withServer({ demo: true }, async (k) => {
    const ops = operations((await k.req('GET', '/api/v1/openapi.json')).json);
    assert.ok(ops.length > 100, `only ${ops.length} operations documented`);
    const tok = await principals(k);
    let checked = 0;
    const problems = [];
    for (const op of ops) {
      const path = fill(op.path, op.path.includes('/checkpoints/') ? 'nosuch' : '999999');
      for (const who of ['anonymous', ...ROLES]) {
        // The e-permit protocol's own endpoints authenticate partners their own way.
        const protocol = !op.path.startsWith('/api/');
        const allowed = op.public || op.roles.includes(who);
        if (allowed && who !== 'anonymous' && DESTRUCTIVE.has(`${op.method} ${op.path}`)) continue;
        const r = await call(k, op, path, tok[who]);
        checked += 1;
        const code = r.json?.error?.code;
        if (r.status >= 500) problems.push(`${who} ${op.method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
        else if (protocol) continue;
        else if (!allowed && who === 'anonymous' && r.status !== 401) problems.push(`anonymous ${op.method} ${path}: ${r.status}, not 401`);
        else if (!allowed && who !== 'anonymous' && !(r.status === 403 && code === 'forbidden')) problems.push(`${who} ${op.method} ${path}: ${r.status} ${code}, not 403 forbidden`);
        else if (allowed && (r.status === 401 || (r.status === 403 && code === 'forbidden' && !op.path.includes('{')))) problems.push(`${who} ${op.method} ${path}: refused (${r.status} ${code}) though allowed`);
      }
    }
    assert.deepEqual(problems, [], problems.join('\n'));
    console.log(`# access matrix: ${ops.length} operations × ${ROLES.length + 1} principals, ${checked} requests`);
  });
});

// The objects each owner holds, by the first path segment that names them.
async function ownedObjects(k, tok) {
  const a = await newCarrier(k);
  const v = await addVehicle(k, a.token);
  const permit = await issue(k, a.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
  const apps = await k.req('GET', '/api/v1/permit-applications', { token: a.token });
  const slot = await k.req('POST', '/api/v1/checkpoints/dostyk/slots', { token: tok.officer,
    body: { flow: 'truck', date: localDate(0), from_hour: 23, to_hour: 24, capacity: 50 } });
  assert.equal(slot.status, 201, slot.text);
  const booking = await k.req('POST', '/api/v1/bookings', { token: a.token, body: { slot_id: slot.json.items[0].id, plate: v.plate } });
  assert.equal(booking.status, 201, booking.text);
  const t = await newTraveller(k);
  const tip = await k.req('POST', '/api/v1/tips', { token: t.token, body: { plate: 'AM 123 FR', plate_country: 'FR', kind: 'car', owner_name: 'Marie', owner_passport: '12AB34567', entry_checkpoint: 'dostyk', entered_from: 'UZ', entry_date: localDate(0), term_months: 6 } });
  assert.equal(tip.status, 201, tip.text);
  const carSlot = await k.req('POST', '/api/v1/checkpoints/dostyk/slots', { token: tok.officer,
    body: { flow: 'car', date: localDate(0), from_hour: 23, to_hour: 24, capacity: 50 } });
  const tBooking = await k.req('POST', '/api/v1/bookings', { token: t.token, body: { slot_id: carSlot.json.items[0].id, plate: 'AM 123 FR' } });
  assert.equal(tBooking.status, 201, tBooking.text);
  const day = (n) => localDate(n);
  const zone = await k.req('POST', '/api/v1/zone-permit-applications', { token: t.token, body: {
    travellers: [{ surname: 'Dupont', given_names: 'Marie', nationality: 'FR', passport_number: '12AB34567', passport_expiry: day(2000) }],
    date_from: day(10), date_to: day(25), zones: [2], route: ['karkyra'], purpose: 'trekking' } });
  assert.equal(zone.status, 201, zone.text);
  const zonePaid = await k.req('POST', `/api/v1/zone-permit-applications/${zone.json.id}/payment`, { token: t.token, body: { reference: 'TX-1' } });
  assert.equal(zonePaid.status, 200, zonePaid.text);
  return {
    carrier: { owner: a, ids: { vehicles: v.id, permits: permit.id, 'permit-applications': apps.json.items[0].id, bookings: booking.json.id, organisations: a.org.id, users: a.user.id } },
    traveller: { owner: t, ids: { tips: tip.json.tip.id, bookings: tBooking.json.id, users: t.user.id,
      'zone-permit-applications': zone.json.id, 'zone-permits': zonePaid.json.permits[0].number } },
  };
}

test('every object a route returns or changes, against a second organisation of the same role', async () => {
  await withServer({ demo: true }, async (k) => {
    const ops = operations((await k.req('GET', '/api/v1/openapi.json')).json);
    const tok = await principals(k);
    const owned = await ownedObjects(k, tok);
    const others = { carrier: await newCarrier(k), traveller: await newTraveller(k) };
    const problems = [];
    let checked = 0;
    const snapshot = async (role) => {
      const o = owned[role];
      const out = {};
      for (const [seg, id] of Object.entries(o.ids)) {
        const r = await k.req('GET', `/api/v1/${seg}/${id}`, { token: o.owner.token });
        out[seg] = r.status === 200 ? r.json : r.status;
      }
      return out;
    };
    for (const role of ['carrier', 'traveller']) {
      const before = await snapshot(role);
      for (const op of ops) {
        const m = /^\/api\/v1\/([^/]+)\/\{id\}/.exec(op.path);
        if (!m || !(m[1] in owned[role].ids) || !op.roles.includes(role)) continue;
        const path = fill(op.path.replace('{id}', String(owned[role].ids[m[1]])), '1');
        const r = await call(k, op, path, others[role].token);
        checked += 1;
        if (r.status < 400 || r.status >= 500) problems.push(`${role} B ${op.method} ${path}: ${r.status} ${r.text.slice(0, 160)}`);
      }
      assert.deepEqual(await snapshot(role), before, `${role} A's objects changed`);
    }
    assert.deepEqual(problems, [], problems.join('\n'));
    assert.ok(checked >= 15, `only ${checked} ownership checks`);
    console.log(`# ownership: ${checked} requests by a second account of the same role, none answered`);
  });
});
