// lists.test.mjs: search (?q=), filters and paging (?limit=&offset=, answered with total and
// next_offset) on the lists that grow: permits, applications, users, carriers awaiting
// verification, bookings, temporary imports, e-CMRs, crossings, the single window. A
// carrier searching finds only its own; bad paging parameters are refused with 400 naming
// the parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, carrierWithFleet, newCarrier, newTraveller, addVehicle, issue, normPlate, assertError, uniq } from './permits_helpers.test.mjs';

const srv = usePermitServer();
let f;

const get = (token, path, query = {}) => srv.k.req('GET', `${path}?${new URLSearchParams(query)}`, { token });
async function page(token, path, query) {
  const r = await get(token, path, query);
  assert.equal(r.status, 200, `${path} ${JSON.stringify(query)}: ${r.text}`);
  return r.json;
}

test('fixtures: two carriers, three permits and two permits', async () => {
  const { k } = srv;
  const a = await carrierWithFleet(k, 3);
  const b = await newCarrier(k, { company_name: `Ala-Too ${uniq('Freight')}` });
  b.vehicles = [await addVehicle(k, b.token), await addVehicle(k, b.token)];
  const pa = [];
  for (const v of a.vehicles) pa.push(await issue(k, a.token, { partner: 'UZ', type: 1, vehicle_id: v.id }));
  const pb = [];
  for (const v of b.vehicles) pb.push(await issue(k, b.token, { partner: 'UZ', type: 1, vehicle_id: v.id }));
  f = { a, b, pa, pb };
});

test('permits: pages with total and next_offset, no permit twice, newest first', async () => {
  const { a } = f;
  const first = await page(a.token, '/api/v1/permits', { limit: 2 });
  assert.equal(first.total, 3);
  assert.equal(first.limit, 2);
  assert.equal(first.offset, 0);
  assert.equal(first.items.length, 2);
  assert.equal(first.next_offset, 2);
  const second = await page(a.token, '/api/v1/permits', { limit: 2, offset: first.next_offset });
  assert.equal(second.items.length, 1);
  assert.equal(second.next_offset, undefined);
  const ids = [...first.items, ...second.items].map((p) => p.id);
  assert.deepEqual(new Set(ids), new Set(f.pa.map((p) => p.id)));
  const past = await page(a.token, '/api/v1/permits', { offset: 50 });
  assert.deepEqual(past.items, []);
  assert.equal(past.total, 3);
});

test('permits: q finds by plate, permit number or company, case-insensitively; a carrier only among its own', async () => {
  const { a, b, pa, pb } = f;
  const { tok } = srv;
  const plateA = normPlate(pa[1].plate);
  const mine = await page(a.token, '/api/v1/permits', { q: plateA.toLowerCase() });
  assert.deepEqual(mine.items.map((p) => p.id), [pa[1].id]);
  assert.equal(mine.total, 1);
  // another carrier's plate: the carrier finds nothing, the ministry finds it
  const plateB = normPlate(pb[0].plate);
  const other = await page(a.token, '/api/v1/permits', { q: plateB });
  assert.deepEqual(other.items, []);
  assert.equal(other.total, 0);
  const ministry = await page(tok.ministry, '/api/v1/permits', { q: plateB });
  assert.deepEqual(ministry.items.map((p) => p.id), [pb[0].id]);
  // by the permit number, and by the company's name
  assert.deepEqual((await page(tok.ministry, '/api/v1/permits', { q: pb[1].id })).items.map((p) => p.id), [pb[1].id]);
  const byName = await page(tok.ministry, '/api/v1/permits', { q: b.body.company_name.toUpperCase() });
  assert.deepEqual(new Set(byName.items.map((p) => p.id)), new Set(pb.map((p) => p.id)));
  // LIKE's own characters are plain text in q
  assert.equal((await page(tok.ministry, '/api/v1/permits', { q: '%' })).total, 0);
  assert.equal((await page(tok.ministry, '/api/v1/permits', { q: '_' })).total, 0);
  // q with the filters: the same plate but another partner finds nothing
  assert.equal((await page(tok.ministry, '/api/v1/permits', { q: plateB, partner: 'TR' })).total, 0);
  // blank q is no search
  assert.equal((await page(a.token, '/api/v1/permits', { q: '   ' })).total, 3);
});

test('applications: paged and searched by plate, a carrier sees only its own', async () => {
  const { a, b } = f;
  const { tok } = srv;
  const all = await page(a.token, '/api/v1/permit-applications', { limit: 1 });
  assert.equal(all.total, 3);
  assert.equal(all.items.length, 1);
  assert.equal(all.next_offset, 1);
  const one = await page(a.token, '/api/v1/permit-applications', { q: normPlate(a.vehicles[2].plate) });
  assert.equal(one.total, 1);
  assert.equal(one.items[0].vehicle_id, a.vehicles[2].id);
  assert.equal((await page(a.token, '/api/v1/permit-applications', { q: normPlate(b.vehicles[0].plate) })).total, 0);
  assert.equal((await page(tok.ministry, '/api/v1/permit-applications', { q: normPlate(b.vehicles[0].plate) })).total, 1);
});

test('users: search, role and status filters, pages', async () => {
  const { a } = f;
  const { tok } = srv;
  const found = await page(tok.admin, '/api/v1/users', { q: a.user.username.toUpperCase() });
  assert.deepEqual(found.items.map((u) => u.username), [a.user.username]);
  const carriers = await page(tok.admin, '/api/v1/users', { role: 'carrier', limit: 2 });
  assert.ok(carriers.total >= 3, JSON.stringify(carriers));
  assert.ok(carriers.items.every((u) => u.role === 'carrier'));
  assert.equal(carriers.next_offset, 2);
  const suspended = await page(tok.admin, '/api/v1/users', { status: 'suspended' });
  assert.ok(suspended.items.every((u) => u.status === 'suspended'));
  assertError(await get(tok.admin, '/api/v1/users', { role: 'king' }), 400, 'bad_query');
  assertError(await get(tok.admin, '/api/v1/users', { status: 'gone' }), 400, 'bad_query');
  assertError(await get(a.token, '/api/v1/users', {}), 403, 'forbidden');
});

test('carriers awaiting verification: searched by name or INN', async () => {
  const { a } = f;
  const { tok } = srv;
  const r = await page(tok.ministry, '/api/v1/carrier-verifications', { q: a.body.inn });
  assert.ok(r.items.every((x) => x.inn === a.body.inn), JSON.stringify(r));
  assert.equal(r.total, r.items.length);
});

test('bookings, temporary imports, e-CMRs, crossings: the same page answer', async () => {
  const { tok } = srv;
  for (const [token, path] of [[tok.traveller, '/api/v1/bookings'], [tok.traveller, '/api/v1/tips'],
    [tok.carrier, '/api/v1/ecmr'], [tok.ministry, '/api/v1/ecmr'], [tok.officer, '/api/v1/crossings']]) {
    const r = await page(token, path, { limit: 1 });
    assert.equal(typeof r.total, 'number', path);
    assert.equal(r.limit, 1);
    assert.ok(r.items.length <= 1);
    assert.equal(r.next_offset, r.total > 1 ? 1 : undefined, path);
    const none = await page(token, path, { q: 'no-such-thing-anywhere' });
    assert.equal(none.total, 0, path);
  }
});

test('bad paging parameters: 400 naming the parameter, on every list', async () => {
  const { tok } = srv;
  const lists = [[f.a.token, '/api/v1/permits'], [f.a.token, '/api/v1/permit-applications'], [tok.admin, '/api/v1/users'],
    [tok.ministry, '/api/v1/carrier-verifications'], [tok.traveller, '/api/v1/bookings'], [tok.traveller, '/api/v1/tips'],
    [tok.carrier, '/api/v1/ecmr'], [tok.officer, '/api/v1/crossings']];
  const bad = [['limit', '0'], ['limit', 'ten'], ['limit', '100000'], ['offset', '-1'], ['offset', '1e3'],
    ['q', 'x'.repeat(101)], ['q', 'a\u0001b']];
  for (const [token, path] of lists) {
    for (const [name, value] of bad) {
      const r = await get(token, path, { [name]: value });
      assertError(r, 400, 'bad_query');
      assert.match(r.json.error.message, new RegExp(`'${name}'`), `${path}?${name}=${value}`);
    }
    // bytes that are not UTF-8 never reach the database (PostgreSQL refuses them)
    const notText = await srv.k.req('GET', `${path}?q=ab%FF%FEc`, { token });
    assertError(notText, 400, 'bad_query');
    assert.match(notText.json.error.message, /'q'/, `${path}?q=ab%FF%FEc`);
    // a hundred characters, in Cyrillic too, are fine
    assert.equal((await get(token, path, { q: 'ж'.repeat(100) })).status, 200, path);
  }
  // the lists' text filters are checked the same way before they reach the database
  for (const [token, path, name] of [[tok.traveller, '/api/v1/bookings', 'checkpoint'],
    [tok.officer, '/api/v1/crossings', 'checkpoint'], [tok.officer, '/api/v1/window/queue', 'procedure'],
    [tok.officer, '/api/v1/window/queue', 'agency']]) {
    const r = await srv.k.req('GET', `${path}?${name}=ab%FF%FEc`, { token });
    assertError(r, 400, 'bad_query');
    assert.match(r.json.error.message, new RegExp(`'${name}'`), `${path}?${name}=ab%FF%FEc`);
  }
  // and every other route's query, before any handler runs: nothing stored changes
  for (const [token, method, path] of [[tok.ministry, 'GET', '/api/v1/trends/permits?by=ab%FF'],
    [null, 'GET', '/api/v1/checkpoints?country=%C3'], [tok.ministry, 'GET', '/api/v1/audit?object_type=%FF'],
    [tok.ministry, 'POST', '/api/v1/quotas?x%FF=1']]) {
    const r = await srv.k.req(method, path, { ...(token ? { token } : {}), ...(method === 'POST' ? { body: {} } : {}) });
    assertError(r, 400, 'bad_query');
  }
});

test('single window: applications and an agency\'s queue paged the same way; an applicant sees only their own', async () => {
  const { k, tok } = srv;
  const all = await page(tok.admin, '/api/v1/window/applications', { limit: 1 });
  assert.equal(typeof all.total, 'number');
  assert.equal(all.next_offset, all.total > 1 ? 1 : undefined);
  const mine = await page(tok.traveller, '/api/v1/window/applications', {});
  assert.ok(mine.total <= all.total);
  // a new applicant: nothing of anyone else's, whatever the search
  const fresh = await newTraveller(k);
  const none = await page(fresh.token, '/api/v1/window/applications', { q: 'ev' });
  assert.equal(none.total, 0);
  assert.equal((await page(fresh.token, '/api/v1/window/applications', {})).total, 0);
  const queue = await page(tok.officer, '/api/v1/window/queue', { limit: 2 });
  assert.equal(typeof queue.total, 'number');
  assert.ok(queue.items.length <= 2);
  for (const [token, path] of [[tok.admin, '/api/v1/window/applications'], [tok.officer, '/api/v1/window/queue']]) {
    for (const [name, value] of [['limit', '501'], ['offset', 'x'], ['q', 'y'.repeat(101)]]) {
      const r = await get(token, path, { [name]: value });
      assertError(r, 400, 'bad_query');
      assert.match(r.json.error.message, new RegExp(`'${name}'`));
    }
  }
});


test('crossings: found by a piece of the plate, newest first, counted', async () => {
  const { k, tok } = srv;
  const plate = `UZ${process.pid % 10000}Q${Date.now() % 1000}`;
  for (let i = 0; i < 2; i++) {
    const r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: {
      checkpoint: 'dostyk', direction: i ? 'exit' : 'entry', vehicle_kind: 'truck', plate, vehicle_country: 'UZ',
      plate_source: 'typed', scan_result: 'clear' } });
    assert.equal(r.status, 201, r.text);
  }
  const found = await page(tok.officer, '/api/v1/crossings', { q: plate.slice(2).toLowerCase(), limit: 1 });
  assert.equal(found.total, 2);
  assert.equal(found.items.length, 1);
  assert.equal(found.items[0].direction, 'exit');
  assert.equal(found.next_offset, 1);
});

test('border-zone applications: a traveller finds only their own, staff find anyone\'s by name or number', async () => {
  const { k, tok } = srv;
  const mine = await page(tok.traveller, '/api/v1/zone-permit-applications', { limit: 1 });
  assert.ok(mine.total >= 1, 'the demo traveller holds a zone permit');
  const app = mine.items[0];
  const person = app.people?.[0] ?? app.permits?.[0];
  assert.ok(person?.surname, JSON.stringify(app).slice(0, 300));
  const staff = await page(tok.ministry, '/api/v1/zone-permit-applications', { q: person.surname.toLowerCase() });
  assert.ok(staff.items.some((x) => x.id === app.id), JSON.stringify(staff).slice(0, 300));
  const other = await newTraveller(k);
  assert.equal((await page(other.token, '/api/v1/zone-permit-applications', { q: person.surname })).total, 0);
  assert.equal((await page(other.token, '/api/v1/zone-permit-applications', { q: String(app.id) })).total, 0);
  assertError(await get(tok.ministry, '/api/v1/zone-permit-applications', { offset: '-5' }), 400, 'bad_query');
});
