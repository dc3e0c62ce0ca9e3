// End-to-end tests of the single window over time, on a server whose clock is set: a day
// on which demand exceeds what is left of the EV quota is split pro rata once the day has
// ended (never by who came first within it), and an application that runs out of time
// expires and gives its reservation and VINs back.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startKapka, stopClean } from './lib.mjs';
import { staffAgencies, newVin, importer, applyEv, stepOf, decide, setYear, yearNow } from './window_helpers.mjs';

const NOON = '2026-06-15T12:00:00+06:00';
const DAY = 86400;

test('a day of excess demand is split pro rata after it ends', async () => {
  const k = await startKapka({ now: NOON });
  try {
    const S = await staffAgencies(k);
    const imp = await importer(k);
    const a = (await applyEv(k, imp, [newVin(), newVin()])).json;
    const b = (await applyEv(k, imp, [newVin(), newVin()])).json;
    const c = (await applyEv(k, imp, [newVin(), newVin(), newVin(), newVin()])).json;
    const y = await setYear(k, S.admin, { day_rule: 'pro_rata' });
    await setYear(k, S.admin, { total: y.allocated + y.reserved + 4 });
    // 2 + 2 fit the 4 left; the third claim (4 more) oversubscribes the day
    assert.equal((await decide(k, S.customs.token, stepOf(a, 'customs').id, 'approve')).json.effect, 'reserved');
    assert.equal((await decide(k, S.customs.token, stepOf(b, 'customs').id, 'approve')).json.effect, 'reserved');
    assert.equal((await decide(k, S.customs.token, stepOf(c, 'customs').id, 'approve')).json.effect, 'pending');
    let reg = await yearNow(k);
    assert.equal(reg.pending_demand, 8, 'every claim of the day waits');
    assert.equal(reg.reserved, y.reserved);
    let st = (await k.req('GET', `/api/v1/window/applications/${a.id}`, { token: imp.token })).json;
    assert.equal(st.quota.state, 'pending');
    // every other agency approves a the same day: it waits for the day's split all the same
    assert.equal((await decide(k, S.economy.token, stepOf(st, 'economy').id, 'approve')).status, 200);
    assert.equal((await k.req('POST', `/api/v1/window/fees/${st.fees[0].id}/payment`, { token: imp.token, body: { reference: 'R-1' } })).status, 200);
    assert.equal((await decide(k, S.registration.token, stepOf(st, 'registration').id, 'approve')).status, 200);
    st = (await k.req('GET', `/api/v1/window/applications/${a.id}`, { token: imp.token })).json;
    assert.equal(st.status, 'in_progress');
    assert.equal(st.quota.state, 'pending');

    await k.travel(DAY);
    imp.token = await k.login(imp.body.username, imp.body.password); // sessions ran out meanwhile
    reg = await yearNow(k);
    assert.equal(reg.pending_demand, 0);
    assert.equal(reg.reserved + reg.allocated, y.reserved + y.allocated + 4, 'exactly what was left');
    assert.equal(reg.remaining, 0);
    const got = [];
    for (const x of [a, b, c]) got.push((await k.req('GET', `/api/v1/window/applications/${x.id}`, { token: imp.token })).json.quota.granted);
    assert.deepEqual(got, [1, 1, 2], 'shares of 4 in proportion to 2, 2 and 4 asked');
    // a, approved by everyone, holds its share for good once the day is split
    const aEnd = (await k.req('GET', `/api/v1/window/applications/${a.id}`, { token: imp.token })).json;
    assert.equal(aEnd.status, 'approved');
    assert.equal(aEnd.quota.state, 'allocated');
    assert.equal((await yearNow(k)).allocated, y.allocated + 1);
    // the vehicles beyond a share were given back
    const cApp = (await k.req('GET', `/api/v1/window/applications/${c.id}`, { token: imp.token })).json;
    const states = [];
    for (const v of cApp.data.vehicles) states.push((await k.req('GET', `/api/v1/ev-quota/vins/${v.vin}`)).json.state);
    assert.deepEqual(states, ['reserved', 'reserved', 'none', 'none']);
  } finally {
    await stopClean(k);
  }
});

test('an application that runs out of time expires and releases its reservation', async () => {
  const k = await startKapka({ now: NOON });
  try {
    const S = await staffAgencies(k);
    await setYear(k, S.admin, { day_rule: 'fcfs' });
    const imp = await importer(k);
    const vin = newVin();
    const app = (await applyEv(k, imp, [vin])).json;
    const before = await yearNow(k);
    assert.equal((await decide(k, S.customs.token, stepOf(app, 'customs').id, 'approve')).json.effect, 'reserved');
    assert.equal((await yearNow(k)).reserved, before.reserved + 1);
    await k.travel(31 * DAY);
    imp.token = await k.login(imp.body.username, imp.body.password);
    const st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
    assert.equal(st.status, 'expired');
    assert.equal(st.quota.state, 'released');
    assert.equal(stepOf(st, 'economy').state, 'closed');
    assert.equal((await yearNow(k)).reserved, before.reserved);
    assert.equal((await k.req('GET', `/api/v1/ev-quota/vins/${vin}`)).json.state, 'none');
    // the released VIN may be claimed again
    assert.equal((await applyEv(k, imp, [vin])).status, 201);
  } finally {
    await stopClean(k);
  }
});

// Run SQL straight on the server's database (what a read may not change is looked at there).
function sql(k, text) {
  if (k.kind === 'sqlite') return execFileSync('sqlite3', ['-cmd', '.timeout 10000', k.dbUrl, text], { encoding: 'utf8' }).trim();
  return execFileSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', k.dbUrl, '-c', text], { encoding: 'utf8' }).trim();
}

test('reading the window never writes; the background settles what time made due', async () => {
  const k = await startKapka({ now: NOON });
  try {
    const S = await staffAgencies(k);
    await setYear(k, S.admin, { day_rule: 'fcfs' });
    const imp = await importer(k);
    const app = (await applyEv(k, imp, [newVin()])).json;
    assert.equal((await decide(k, S.customs.token, stepOf(app, 'customs').id, 'approve')).json.effect, 'reserved');
    // its time runs out while kapka serves (as an insider moves the deadline back)
    sql(k, `UPDATE sw_applications SET expires_at = 1000 WHERE id = ${app.id}`);
    const before = sql(k, 'SELECT COUNT(*) FROM sw_events');
    for (const [path, token] of [[`/api/v1/window/applications/${app.id}`, imp.token], ['/api/v1/window/applications', imp.token],
      ['/api/v1/window/applications', S.admin], ['/api/v1/window/queue', S.customs.token], ['/api/v1/ev-quota', undefined]]) {
      assert.equal((await k.req('GET', path, { token })).status, 200, path);
    }
    assert.equal(sql(k, `SELECT status FROM sw_applications WHERE id = ${app.id}`), 'in_progress', 'a GET expired it');
    assert.equal(sql(k, 'SELECT COUNT(*) FROM sw_events'), before);
    // the housekeeping settles it (here at the restart; every minute while serving)
    await k.pause();
    await k.resume();
    assert.equal(sql(k, `SELECT status FROM sw_applications WHERE id = ${app.id}`), 'expired');
    imp.token = await k.login(imp.body.username, imp.body.password);
    const st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
    assert.equal(st.status, 'expired');
    assert.equal(st.quota.state, 'released');
  } finally {
    await stopClean(k);
  }
});

test('the ledger is dated: a later year without its own row takes the latest earlier year', async () => {
  const k = await startKapka({ now: '2029-03-01T12:00:00+06:00' });
  try {
    const S = await staffAgencies(k);
    const y = await yearNow(k);
    assert.equal(y.year, 2029);
    assert.equal(y.total, 15000);
    assert.deepEqual(y.kinds, ['bev', 'series_hybrid']);
    assert.match(y.source, /^carried forward from 2027/);
    const imp = await importer(k);
    const app = (await applyEv(k, imp, [{ vin: newVin(), kind: 'series_hybrid', make_model: 'Li Auto L7' }])).json;
    assert.equal(stepOf(app, 'environment').state, 'waiting', 'a hybrid gets the environmental check');
    await setYear(k, S.admin, { day_rule: 'fcfs' });
    assert.equal((await decide(k, S.customs.token, stepOf(app, 'customs').id, 'approve')).json.effect, 'reserved');
    assert.equal((await yearNow(k)).reserved, 1);
  } finally {
    await stopClean(k);
  }
});
