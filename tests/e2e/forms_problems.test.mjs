// Field-level problems (issue 17, item 3): every 4xx problem of the stay calculator, the
// temporary-import forms and crossing administration names its field and a stable code
// (the page's catalogue key form.problem.<code>) beside the English for API users, and
// nothing is stored.
import test from 'node:test';
import assert from 'node:assert/strict';
import { newTraveller, assertError, localDate } from './lib.mjs';
import { usePermitServer, carrierWithFleet } from './permits_helpers.test.mjs';

const srv = usePermitServer();
const CP = '/api/v1/checkpoints';

// The problems of a 4xx answer as "field code" strings, in the server's order.
function problems(r, status, code = 'invalid_field') {
  const e = assertError(r, status, code);
  assert.ok(Array.isArray(e.fields), `no fields in ${r.text}`);
  for (const f of e.fields) {
    assert.equal(typeof f.problem, 'string');
    assert.match(f.code, /^[A-Za-z_]+$/);
  }
  return e.fields.map((f) => `${f.field} ${f.code}`);
}

test('stay calculator: each bad date is named with its field and code', async () => {
  const { k } = srv;
  const calc = (body) => k.req('POST', '/api/v1/stay-calculations', { body });
  assert.deepEqual(problems(await calc({ nationality: 'FR', stays: [{ entry: '2024-03-10', exit: '2024-03-01' }], planned: { entry: '2024-06-01' } }), 422),
    ['stays[0].exit stay_exit_before_entry']);
  assert.deepEqual(problems(await calc({ nationality: 'FR', stays: [{ entry: '2024-03-01', exit: '2024-03-20' }, { entry: '2024-03-10', exit: '2024-03-30' }], planned: { entry: '2024-06-01' } }), 422),
    ['stays[1].entry stay_overlap']);
  assert.deepEqual(problems(await calc({ nationality: 'FR', stays: [{ entry: '2024-03-01', exit: '2024-03-20' }], planned: { entry: '2024-03-10' } }), 422),
    ['planned.entry plan_before_last_exit']);
  assert.deepEqual(problems(await calc({ nationality: 'FR', planned: { entry: '2024-03-10', exit: '2024-03-01' } }), 422),
    ['planned.exit plan_exit_before_entry']);
  assert.deepEqual(problems(await calc({ nationality: 'FR', stays: [{ entry: '2024-03-01', exit: '2024-03-20' }] }), 422),
    ['planned.entry plan_missing']);
  assert.deepEqual(problems(await calc({ planned: { entry: '2024-13-40' } }), 422).sort(),
    ['nationality required', 'planned.entry date']);
  const e = assertError(await calc({ nationality: 'FR', planned: { entry: 'soon' } }), 422, 'invalid_field');
  assert.match(e.fields[0].problem, /YYYY-MM-DD/, 'the English stays for API users');
  assert.match(e.message, /planned\.entry/);
});

function vehicle(n, over = {}) {
  return { plate: `FP ${100 + n} AB`, plate_country: 'FR', kind: 'car', owner_name: 'Marie Dupont',
    owner_passport: '12AB34567', entry_checkpoint: 'dostyk', entered_from: 'UZ', entry_date: localDate(0), term_months: 6, ...over };
}

test('temporary import: field, code, nothing stored', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const post = (body) => k.req('POST', '/api/v1/tips', { token: t.token, body });
  assert.deepEqual(problems(await post(vehicle(1, { entered_from: 'KG' })), 422), ['entered_from entered_from_self']);
  assert.deepEqual(problems(await post(vehicle(2, { entry_date: localDate(5) })), 422), ['entry_date entry_in_future']);
  assert.deepEqual(problems(await post(vehicle(3, { term_months: 40 })), 422), ['term_months term_range']);
  const term = assertError(await post(vehicle(3, { term_months: 40 })), 422);
  assert.deepEqual(term.fields[0].args, { min: 6, max: 12 });
  assert.deepEqual(problems(await post(vehicle(4, { entry_checkpoint: 'x!' })), 422), ['entry_checkpoint checkpoint_code']);
  assert.deepEqual(problems(await post(vehicle(5, { entry_checkpoint: 'khorgos' })), 422), ['entry_checkpoint checkpoint_not_ours']);
  assert.deepEqual(problems(await post(vehicle(6, { plate_country: 'KZ', entered_from: 'CN', entry_checkpoint: 'torugart' })), 422, 'NOT_FOREIGN_VEHICLE'),
    ['plate_country NOT_FOREIGN_VEHICLE']);
  assert.deepEqual(problems(await post(vehicle(7, { entered_from: 'CN' })), 422, 'NOT_THIS_BORDER'), ['entered_from NOT_THIS_BORDER']);
  const mixed = problems(await post({ ...vehicle(8), owner_name: '', make_model: 'x'.repeat(81) }), 422).sort();
  assert.deepEqual(mixed, ['make_model max_chars', 'owner_name required']);
  const long = assertError(await post({ ...vehicle(8), make_model: 'x'.repeat(81) }), 422);
  assert.deepEqual(long.fields[0].args, { count: 80 });
  assert.equal((await k.req('GET', '/api/v1/tips', { token: t.token })).json.items.length, 0, 'nothing stored');
  const ok = await post(vehicle(9));
  assert.equal(ok.status, 201, ok.text);
  const exit = (body) => k.req('POST', `/api/v1/tips/${ok.json.tip.id}/exit`, { token: t.token, body });
  assert.deepEqual(problems(await exit({ exit_date: localDate(-3), exit_checkpoint: 'dostyk', to_country: 'UZ' }), 409, 'conflict'),
    ['exit_date exit_before_entry']);
  assert.deepEqual(problems(await exit({ exit_date: localDate(0), exit_checkpoint: '-', to_country: 'UZ' }), 422),
    ['exit_checkpoint checkpoint_code']);
  assert.equal((await k.req('GET', `/api/v1/tips/${ok.json.tip.id}`, { token: t.token })).json.status, 'open');
});

test('crossing administration: closures, traffic, capacity, season, booking hours', async () => {
  const { k, tok } = srv;
  // what the refused changes would have touched (the answer also says whether the crossing
  // is open right now, which may change meanwhile)
  const stored = async () => {
    const { modes, capacity, foreigners, permission, closures, season } = (await k.req('GET', `${CP}/irkeshtam`)).json;
    return { modes, capacity, foreigners, permission, closures, season };
  };
  const before = await stored();
  const close = (body) => k.req('POST', `${CP}/irkeshtam/closures`, { token: tok.ministry, body });
  assert.deepEqual(problems(await close({ reason: 'flood', from: 'soon' }), 422), ['from time']);
  assert.deepEqual(problems(await close({ reason: 'flood', from: '2027-01-02T08:00', to: '2027-01-01T08:00' }), 422), ['to to_before_from']);
  assert.deepEqual(problems(await close({ from: '2027-01-01T08:00' }), 422), ['reason required']);
  const put = (body) => k.req('PUT', `${CP}/irkeshtam`, { token: tok.ministry, body });
  assert.deepEqual(problems(await put({ modes: ['tank'] }), 422), ['modes modes']);
  assert.deepEqual(problems(await put({ capacity: { truck: -1, car: 2.5 } }), 422).sort(), ['capacity.car number_range', 'capacity.truck number_range']);
  assert.deepEqual(problems(await put({ capacity: { trains: 3 } }), 422), ['capacity capacity_flow']);
  assert.deepEqual(problems(await put({ foreigners: 'yes' }), 422), ['foreigners boolean']);
  const season = (body) => k.req('PUT', `${CP}/irkeshtam/season`, { token: tok.ministry, body });
  assert.deepEqual(problems(await season({ from: '13-40', to: '09-30', source: 'x' }), 422), ['from day_of_year']);
  assert.deepEqual(problems(await season({ from: '05-25', source: 'x' }), 422), ['to season_both']);
  assert.deepEqual(problems(await season({ from: null, to: null }), 422), ['source required']);
  const slots = (body) => k.req('POST', `${CP}/dostyk/slots`, { token: tok.officer, body });
  assert.deepEqual(problems(await slots({ flow: 'car', date: localDate(1), from_hour: 12, to_hour: 8 }), 422), ['to_hour to_before_from']);
  assert.deepEqual(problems(await slots({ flow: 'car', date: localDate(-2), from_hour: 8, to_hour: 12 }), 422, 'IN_THE_PAST'), ['date IN_THE_PAST']);
  assert.deepEqual(problems(await slots({ flow: 'car', date: '2026-02-30', from_hour: 30 }), 422).sort(), ['date date', 'from_hour number_range']);
  const after = await stored();
  assert.deepEqual(after, before, 'nothing changed');
});

test('the other forms: password, trip, direct issue, users name the field and a code', async () => {
  const { k, tok } = srv;
  const t = await newTraveller(k);
  const pw = (body) => k.req('PUT', '/api/v1/session/password', { token: t.token, body });
  assert.deepEqual(problems(await pw({ current_password: 'not-it-at-all-1', new_password: 'another-horse-2' }), 422), ['current_password wrong_password']);
  assert.deepEqual(problems(await pw({ current_password: 'correct-horse-1', new_password: 'correct-horse-1' }), 422), ['new_password same_password']);
  const c = await carrierWithFleet(k, 1, { kind: 'truck' });
  const app = (body) => k.req('POST', '/api/v1/permit-applications', { token: c.token, body: { partner: 'UZ', type: 'BILATERAL', vehicle_id: c.vehicles[0].id, ...body } });
  assert.deepEqual(problems(await app({ trip: { departure_date: 'soon' } }), 422), ['trip.departure_date date']);
  assert.deepEqual(problems(await app({ departure_country: 'KZ', arrival_country: 'CN' }), 422), ['arrival_country trip_bilateral']);
  assert.deepEqual(problems(await app({ departure_country: 'UZ', arrival_country: 'UZ' }), 422), ['arrival_country trip_same_country']);
  assert.equal((await k.req('GET', '/api/v1/permit-applications', { token: c.token })).json.items.length, 0, 'nothing stored');
  const direct = await k.req('POST', '/api/v1/permits', { token: tok.ministry, body: { organisation_id: 999999, partner: 'UZ', type: 'BILATERAL', plate: '01KG123ABC', expires_at: '2001-01-01' } });
  const got = problems(direct, 422);
  assert.ok(got.includes('organisation_id not_carrier') || got.some((x) => x.startsWith('expires_at expiry_')), got.join(', '));
  const user = await k.req('POST', '/api/v1/users', { token: tok.admin, body: { username: `u${Date.now() % 1e6}`, password: 'correct-horse-1', full_name: 'A B', role: 'carrier', organisation_id: 999999 } });
  assert.deepEqual(problems(user, 422), ['organisation_id no_organisation']);
});

// Every code the server gives a field problem in so many words (kp_field_problem with a
// literal code) has words in each catalogue, as web/js/errors.js describeProblem looks
// them up: problem.<code> for the shared few, form.problem.<code>, else reason.<code>
// (a plural's words under <key>.other); "invalid" is the code that has only the English.
test('every literal field-problem code has words in ky, ru and en', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const root = new URL('../../', import.meta.url);
  const codes = new Set();
  for (const dir of ['src/api', 'src/http']) {
    for (const f of readdirSync(new URL(dir, root)).filter((n) => n.endsWith('.c'))) {
      const text = readFileSync(new URL(`${dir}/${f}`, root), 'utf8');
      for (const m of text.matchAll(/kp_field_problem\(req,\s*[^;]*?,\s*"([A-Za-z_]+)",\s*(?:NULL|json_pack)/g)) codes.add(m[1]);
    }
  }
  assert.ok(codes.size > 20, `only ${codes.size} codes found`);
  codes.delete('invalid');
  const shared = new Set(['required', 'not_text', 'control_chars', 'max_chars', 'number_range']);
  for (const lang of ['ky', 'ru', 'en']) {
    const cat = JSON.parse(readFileSync(new URL(`web/i18n/${lang}.json`, root), 'utf8'));
    const has = (key) => cat[key] !== undefined || cat[`${key}.other`] !== undefined;
    const missing = [...codes].filter((code) => {
      const lc = code.toLowerCase();
      return !(shared.has(code) ? has(`problem.${code}`) : has(`form.problem.${lc}`) || has(`reason.${lc}`));
    });
    assert.deepEqual(missing, [], `${lang}.json has no words for these field-problem codes`);
  }
});
