// Data people read, named in Kyrgyz and Russian beside the English (issue 17, item 11):
// public holidays that close a crossing, closure reasons and the permission a crossing
// needs, as the checkpoint pages show them; the ministry gives the translations with a new
// closure or permission, and a translation without its English is refused, nothing stored.
import test from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import { usePermitServer } from './permits_helpers.test.mjs';

const srv = usePermitServer({ now: '2026-12-20T10:00:00+06:00' });
const CP = '/api/v1/checkpoints';

test('seeded holidays, closures and permissions have their Kyrgyz and Russian names', async () => {
  const { k } = srv;
  const ny = await k.req('GET', `${CP}/irkeshtam/status?at=2027-01-01T10:00`);
  assert.equal(ny.status, 200, ny.text);
  const holiday = ny.json.reasons.find((r) => r.code === 'CLOSED_HOLIDAY');
  assert.ok(holiday, ny.text);
  assert.deepEqual(holiday.detail_names, { en: 'New Year', ky: 'Жаңы жыл', ru: 'Новый год' });
  const art = (await k.req('GET', `${CP}/kyzyl-art`)).json;
  assert.match(art.permission_names.ru, /департамента туризма/);
  assert.match(art.permission_names.ky, /туризм департаментинин/);
  assert.equal(art.permission_names.en, art.permission);
  assert.ok(art.closures.length > 0);
  for (const c of art.closures) {
    assert.equal(c.reason_names.en, c.reason);
    assert.ok(c.reason_names.ky && c.reason_names.ru, JSON.stringify(c));
  }
  assert.deepEqual(art.post_names, { KG: { en: 'Bor-Dobo', ky: 'Бор-Добо', ru: 'Бор-Добо' }, TJ: { en: 'Kyzyl-Art', ky: 'Кызыл-Арт', ru: 'Кызыл-Арт' } });
  // every post of every crossing is named in all three languages
  for (const c of (await k.req('GET', CP)).json.items) {
    for (const side of [c.country, c.neighbour]) {
      const n = c.post_names[side];
      assert.ok(n && n.en === c.posts[side] && n.ky && n.ru, `${c.code} ${side}: ${JSON.stringify(n)}`);
    }
  }
  const open = (await k.req('GET', `${CP}/dostyk`)).json;
  assert.equal(open.permission, null);
  assert.equal(open.permission_names, null);
});

test('the ministry gives the names with a closure and a permission', async () => {
  const { k, tok } = srv;
  const r = await k.req('POST', `${CP}/kyzyl-bel/closures`, { token: tok.ministry,
    body: { from: '2027-02-01T08:00', to: '2027-02-02T08:00', reason: 'snow on the pass', reason_ky: 'ашуудагы кар', reason_ru: 'снег на перевале' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.reason_names, { en: 'snow on the pass', ky: 'ашуудагы кар', ru: 'снег на перевале' });
  const st = await k.req('GET', `${CP}/kyzyl-bel/status?at=2027-02-01T12:00`);
  const closed = st.json.reasons.find((x) => x.code === 'CLOSED');
  assert.deepEqual(closed.detail_names, { en: 'snow on the pass', ky: 'ашуудагы кар', ru: 'снег на перевале' });
  const only = await k.req('POST', `${CP}/kyzyl-bel/closures`, { token: tok.ministry, body: { from: '2027-03-01T08:00', to: '2027-03-02T08:00', reason: 'drill' } });
  assert.deepEqual(only.json.reason_names, { en: 'drill', ky: null, ru: null });

  const put = (body) => k.req('PUT', `${CP}/kyzyl-bel`, { token: tok.ministry, body });
  const before = (await k.req('GET', `${CP}/kyzyl-bel`)).json.permission_names;
  const lone = assertError(await put({ permission_ky: 'уруксат' }), 422, 'invalid_field');
  assert.deepEqual(lone.fields.map((f) => `${f.field} ${f.code}`), ['permission_ky needs_english']);
  assert.deepEqual((await k.req('GET', `${CP}/kyzyl-bel`)).json.permission_names, before, 'nothing stored');
  const set = await put({ permission: 'Border-zone permit', permission_ky: 'Чек ара зонасына уруксат', permission_ru: 'Пропуск в погранзону' });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.json.permission_names, { en: 'Border-zone permit', ky: 'Чек ара зонасына уруксат', ru: 'Пропуск в погранзону' });
  // a new English permission without translations drops the old ones (they would be wrong)
  const plain = await put({ permission: 'Another permit' });
  assert.deepEqual(plain.json.permission_names, { en: 'Another permit', ky: null, ru: null });
  const gone = await put({ permission: null });
  assert.equal(gone.json.permission_names, null);
});

test('a holiday the ministry adds carries its Kyrgyz and Russian names to the crossing status', async () => {
  const { k, tok } = srv;
  const r = await k.req('POST', '/api/v1/public-holidays', { token: tok.ministry,
    body: { country: 'CN', date: '2027-01-13', name: 'Border day', name_ky: 'Чек ара күнү', name_ru: 'День границы', source: 'test notice' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.names, { en: 'Border day', ky: 'Чек ара күнү', ru: 'День границы' });
  const st = await k.req('GET', `${CP}/irkeshtam/status?at=2027-01-13T12:00`);
  const h = st.json.reasons.find((x) => x.code === 'CLOSED_HOLIDAY');
  assert.deepEqual(h?.detail_names, { en: 'Border day', ky: 'Чек ара күнү', ru: 'День границы' }, st.text);
  const list = await k.req('GET', '/api/v1/public-holidays?country=KG&year=2027');
  assert.ok(list.json.items.every((x) => x.names.ky && x.names.ru), 'every Kyrgyz holiday named in ky and ru');
});

// A crossing's notes and its restricted border zone (free text of the registry) in Kyrgyz and
// Russian: every seeded note and zone translated; the ministry gives new notes with their
// translations, a translation alone is refused and stores nothing.
test('checkpoint notes and border zones in ky and ru; new notes come with their translations', async () => {
  const { k, tok } = srv;
  for (const c of (await k.req('GET', CP)).json.items) {
    assert.ok(c.notes_names && c.notes_names.en === c.notes && c.notes_names.ky && c.notes_names.ru, `${c.code}: ${JSON.stringify(c.notes_names)}`);
    if (c.border_zone === null) assert.equal(c.border_zone_names, null, c.code);
    else assert.ok(c.border_zone_names.en === c.border_zone && c.border_zone_names.ky && c.border_zone_names.ru, c.code);
  }
  const tg = (await k.req('GET', `${CP}/torugart`)).json;
  assert.deepEqual(tg.border_zone_names, { en: 'Naryn region: Torugart checkpoint', ky: 'Нарын облусу: Торугарт өткөрүү пункту',
    ru: 'Нарынская область: пункт пропуска Торугарт' });
  assert.match(tg.notes_names.ru, /Кара-Булак/);

  const put = (body) => k.req('PUT', `${CP}/dostyk`, { token: tok.ministry, body });
  const before = (await k.req('GET', `${CP}/dostyk`)).json.notes_names;
  const lone = assertError(await put({ notes_ru: 'Ремонт дороги' }), 422, 'invalid_field');
  assert.deepEqual(lone.fields.map((f) => `${f.field} ${f.code}`), ['notes_ru needs_english']);
  assert.deepEqual((await k.req('GET', `${CP}/dostyk`)).json.notes_names, before, 'nothing stored');
  const set = await put({ notes: 'Road works until May.', notes_ky: 'Май айына чейин жол оңдолот.', notes_ru: 'Ремонт дороги до мая.' });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.json.notes_names, { en: 'Road works until May.', ky: 'Май айына чейин жол оңдолот.', ru: 'Ремонт дороги до мая.' });
  // a change that leaves the notes alone keeps their translations
  const other = await put({ foreigners: true });
  assert.deepEqual(other.json.notes_names, set.json.notes_names);
  // new English notes without translations drop the old ones (they would be wrong)
  const plain = await put({ notes: 'Quick.' });
  assert.deepEqual(plain.json.notes_names, { en: 'Quick.', ky: null, ru: null });
});
