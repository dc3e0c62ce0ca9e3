// search_fold.test.mjs: `q` ignores case in Cyrillic (Russian and Kyrgyz ң ө ү), Latin with
// marks and Turkish letters the same way on SQLite and PostgreSQL (core/fold.c, kp_fold in
// SQL); the organisations list is paged and searched like the other lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, newCarrier, adminToken, uniq, assertError } from './lib.mjs';

const srv = useServer();
let admin;
const get = async (path, query) => {
  const r = await srv.k.req('GET', `${path}?${new URLSearchParams(query)}`, { token: admin });
  assert.equal(r.status, 200, `${path} ${JSON.stringify(query)}: ${r.text}`);
  return r.json;
};

test('a carrier named in Kyrgyz is found by any case of its name', async () => {
  admin = await adminToken(srv.k);
  const tag = uniq('');
  const name = `Ысык-Көл Транс ${tag}`;
  // unverified, so it waits in the ministry's list of checks (searched by the company's name)
  const c = await newCarrier(srv.k, { company_name: name, contact_name: 'Өмүрбек Ңаатов' }, { verified: false });
  const other = await newCarrier(srv.k, { company_name: `Нарын Логистик ${tag}` }, { verified: false });
  for (const q of [`ысык-көл транс ${tag}`, `ЫСЫК-КӨЛ ТРАНС ${tag}`, 'ЫСЫК', 'Ысык-кӨл', 'транс']) {
    const page = await get('/api/v1/carrier-verifications', { status: 'pending', q });
    const ids = page.items.map((x) => x.organisation_id);
    assert.ok(ids.includes(c.org.id), `${q} finds ${name}`);
    assert.ok(!ids.includes(other.org.id), `${q} does not find the other carrier`);
  }
  // the Kyrgyz letters: ө/Ө and ң/Ң (U+04E8/9, U+04A2/3), in the user's full name
  for (const q of ['ӨМҮРБЕК', 'өмүрбек ңаатов', 'ҢААТОВ']) {
    const users = await get('/api/v1/users', { q });
    assert.ok(users.items.some((u) => u.id === c.user.id), `${q} finds the carrier's user`);
  }
  // ё and і fold too; е finds ё (Russian print mostly writes ё as е); a different letter is no match
  const t = await newCarrier(srv.k, { company_name: `Ёлка Іле ${tag}` }, { verified: false });
  assert.equal((await get('/api/v1/carrier-verifications', { q: `ёлка іле ${tag}` })).total, 1);
  assert.equal((await get('/api/v1/carrier-verifications', { q: `елка іле ${tag}` })).total, 1);
  assert.equal((await get('/api/v1/carrier-verifications', { q: `ЕЛКА ИЛЕ ${tag}` })).total, 0);
  assert.ok(t.org.id);
});

test('Latin-1 and Turkish letters fold; I, ı, İ and i are one letter to a search', async () => {
  const tag = uniq('');
  const c = await newCarrier(srv.k, { company_name: `ÇAĞRI İLETİŞİM Öz ${tag}` }, { verified: false });
  for (const q of [`çağrı iletişim öz ${tag}`, 'çağri', 'İLETİŞİM', 'ILETIŞIM']) {
    const page = await get('/api/v1/carrier-verifications', { q });
    assert.ok(page.items.some((x) => x.organisation_id === c.org.id), `${q} finds it`);
  }
  assert.equal((await get('/api/v1/carrier-verifications', { q: `cagri iletisim oz ${tag}` })).total, 0);
});

test('organisations: paged with total and next_offset, searched in any case, kind kept', async () => {
  const tag = uniq('');
  const made = [];
  for (const n of ['Ала-Тоо', 'Бишкек', 'Чүй']) {
    const r = await srv.k.req('POST', '/api/v1/organisations', { token: admin,
      body: { kind: 'border_service', name: `${n} посту ${tag}` } });
    assert.equal(r.status, 201, r.text);
    made.push(r.json);
  }
  const first = await get('/api/v1/organisations', { q: `ПОСТУ ${tag}`, limit: 2 });
  assert.equal(first.total, 3);
  assert.equal(first.limit, 2);
  assert.equal(first.offset, 0);
  assert.equal(first.next_offset, 2);
  assert.deepEqual(first.items.map((o) => o.name), [`Ала-Тоо посту ${tag}`, `Бишкек посту ${tag}`]);
  const second = await get('/api/v1/organisations', { q: `посту ${tag}`, limit: 2, offset: 2 });
  assert.deepEqual(second.items.map((o) => o.id), [made[2].id]);
  assert.equal(second.next_offset, undefined);
  assert.equal((await get('/api/v1/organisations', { q: `чүй посту ${tag}` })).total, 1);
  assert.equal((await get('/api/v1/organisations', { q: `чүй посту ${tag}`, kind: 'carrier' })).total, 0);
  // without parameters: the first page of all, ordered by name, as before
  const all = await get('/api/v1/organisations', {});
  assert.ok(all.items.length >= 4 && all.total >= all.items.length);
  const names = all.items.map((o) => o.name);
  assert.ok(all.limit >= 100);
  assert.ok(names.length > 0);
  // bad paging is refused, naming the parameter; nothing else changes
  assertError(await srv.k.req('GET', '/api/v1/organisations?limit=0', { token: admin }), 400, 'bad_query');
  assertError(await srv.k.req('GET', '/api/v1/organisations?offset=-1', { token: admin }), 400, 'bad_query');
  assertError(await srv.k.req('GET', `/api/v1/organisations?q=${'я'.repeat(101)}`, { token: admin }), 400, 'bad_query');
});

test('organisations: status filter; a bad status is refused', async () => {
  const tag = uniq('');
  const c = await newCarrier(srv.k, { company_name: `Жалал-Абад Жүк ${tag}` });
  const r = await srv.k.req('PUT', `/api/v1/organisations/${c.org.id}/status`, { token: admin,
    body: { status: 'suspended', reason: 'Страховка кончилась' } });
  assert.equal(r.status, 200, r.text);
  const q = `жалал-абад жүк ${tag}`;
  assert.deepEqual((await get('/api/v1/organisations', { q, status: 'suspended' })).items.map((o) => o.id), [c.org.id]);
  assert.equal((await get('/api/v1/organisations', { q, status: 'active' })).total, 0);
  assertError(await srv.k.req('GET', '/api/v1/organisations?status=gone', { token: admin }), 400, 'bad_query');
});
