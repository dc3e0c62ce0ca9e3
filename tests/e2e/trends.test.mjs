// trends.test.mjs: the counts over time behind the ministry's charts: permits issued per
// month by type and by partner (with the quota), crossings and waits per day at a
// checkpoint, single-window applications per month by state; every month or day present;
// bad parameters refused; staff only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, carrierWithFleet, issue, createQuota, assertError, YEAR } from './permits_helpers.test.mjs';

const srv = usePermitServer();
const get = (token, path) => srv.k.req('GET', path, { token });
// The server's local (Bishkek) month and day.
const local = () => new Date(srv.k.now() + 6 * 3600e3).toISOString();

async function trend(path) {
  const r = await get(srv.tok.ministry, path);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const count = (doc, key, month) => doc.series.find((s) => s.key === key)?.counts[doc.months.indexOf(month)] ?? 0;

test('permits per month: two more issued show in this month, by type and by partner, with the quota', async () => {
  const month = local().slice(0, 7);
  const year = Number(month.slice(0, 4));
  const byType0 = await trend(`/api/v1/trends/permits?year=${year}`);
  const byPartner0 = await trend(`/api/v1/trends/permits?year=${year}&by=partner`);
  assert.equal(byType0.months.length, 12);
  assert.equal(byType0.months[0], `${year}-01`);
  assert.equal(byType0.months[11], `${year}-12`);
  const c = await carrierWithFleet(srv.k, 2);
  for (const v of c.vehicles) await issue(srv.k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
  const byType = await trend(`/api/v1/trends/permits?year=${year}&by=type`);
  const byPartner = await trend(`/api/v1/trends/permits?year=${year}&by=partner`);
  assert.equal(count(byType, '1', month), count(byType0, '1', month) + 2);
  assert.equal(count(byPartner, 'UZ', month), count(byPartner0, 'UZ', month) + 2);
  const uz = byPartner.series.find((s) => s.key === 'UZ');
  assert.equal(uz.total, uz.counts.reduce((a, b) => a + b, 0));
  assert.ok(uz.quota >= uz.total, JSON.stringify(uz));
  // another year: twelve months of nothing
  const other = await trend(`/api/v1/trends/permits?year=${YEAR - 5}`);
  assert.deepEqual(other.series, []);
  assert.equal(other.months.length, 12);
});

test('quota use by partner lists every partner with a quota, zeros for one with no permit yet', async () => {
  // next year: quotas opened ahead, no permit issued in it yet
  const year = YEAR + 1;
  await createQuota(srv.k, srv.tok.ministry, { partner: 'TJ', year, start_number: 1, end_number: 40 });
  await createQuota(srv.k, srv.tok.ministry, { partner: 'TJ', year, type: 2, start_number: 1, end_number: 10 });
  await createQuota(srv.k, srv.tok.ministry, { partner: 'CN', year, start_number: 1, end_number: 5 });
  const d = await trend(`/api/v1/trends/permits?year=${year}&by=partner`);
  const got = Object.fromEntries(d.series.map((s) => [s.key, s]));
  assert.deepEqual(Object.keys(got).sort(), ['CN', 'TJ']);
  assert.deepEqual(got.TJ.counts, Array(12).fill(0));
  assert.equal(got.TJ.total, 0);
  assert.equal(got.TJ.quota, 50);
  assert.equal(got.CN.quota, 5);
  // by type nothing is issued, so nothing is listed
  assert.deepEqual((await trend(`/api/v1/trends/permits?year=${year}`)).series, []);
});

test('crossings per day: every day of the span, a crossing today counted', async () => {
  const before = await trend('/api/v1/trends/crossings?checkpoint=dostyk&days=7');
  assert.equal(before.items.length, 7);
  const today = local().slice(0, 10);
  assert.equal(before.items.at(-1).date, today);
  for (let i = 1; i < 7; i++) {
    assert.equal(Date.parse(before.items[i].date) - Date.parse(before.items[i - 1].date), 86400e3);
  }
  const r = await srv.k.req('POST', '/api/v1/crossings', { token: srv.tok.officer, body: {
    checkpoint: 'dostyk', direction: 'entry', vehicle_kind: 'truck', plate: `TR${process.pid % 10000}77`, vehicle_country: 'UZ',
    plate_source: 'typed', scan_result: 'clear' } });
  assert.equal(r.status, 201, r.text);
  const after = await trend('/api/v1/trends/crossings?checkpoint=dostyk&days=7');
  assert.equal(after.items.at(-1).crossings, before.items.at(-1).crossings + 1);
  assert.equal((await trend('/api/v1/trends/crossings?checkpoint=dostyk')).items.length, 30);
});

test('single-window applications per month by state: the months asked for', async () => {
  const w = await trend('/api/v1/trends/window?months=3');
  assert.equal(w.months.length, 3);
  assert.equal(w.months[2], local().slice(0, 7));
  for (const s of w.series) {
    assert.equal(s.counts.length, 3);
    assert.ok(['in_progress', 'approved', 'refused', 'expired', 'withdrawn'].includes(s.key), s.key);
  }
});

test('bad parameters are 400 naming them; an unknown checkpoint 404; carriers and officers 403', async () => {
  const { tok } = srv;
  for (const [path, name] of [['/api/v1/trends/permits?by=colour', 'by'], ['/api/v1/trends/permits?year=1999', 'year'],
    ['/api/v1/trends/permits?year=20x6', 'year'], ['/api/v1/trends/crossings?checkpoint=dostyk&days=3', 'days'],
    ['/api/v1/trends/crossings', 'checkpoint'], ['/api/v1/trends/window?months=0', 'months'],
    ['/api/v1/trends/window?months=37', 'months']]) {
    const r = await get(tok.ministry, path);
    assertError(r, 400, 'bad_query');
    assert.match(r.json.error.message, new RegExp(`'${name}'`), path);
  }
  assertError(await get(tok.ministry, '/api/v1/trends/crossings?checkpoint=nowhere'), 404, 'not_found');
  assertError(await get(tok.ministry, '/api/v1/trends/crossings?checkpoint=khorgos'), 404, 'not_found');
  for (const who of ['carrier', 'officer', 'traveller']) {
    assertError(await get(tok[who], '/api/v1/trends/permits'), 403, 'forbidden');
  }
  assert.equal((await get(tok.auditor, '/api/v1/trends/window')).status, 200);
});
