// years.mjs: a demonstration server on the suite's clock (tests/run.sh, KAPKA_TEST_CLOCK)
// may start in the last seconds of a year and run its tests in the next. These helpers put
// a test file on one year: the server's (Bishkek, UTC+6), never Node's or the browser's.
//
//   const { year, demoYear } = await intoTheNewYear(k, ministryToken);
//   // year: the server's year now; demoYear: the year the demo data was loaded in
//   // (its permit KG-UZ-<demoYear>-1-1); the ministry has opened `year`'s quotas.
import assert from 'node:assert/strict';

// The calendar year in Bishkek (UTC+6, kapka's default utc_offset_minutes) at epoch ms.
export const bishkekYear = (ms) => new Date(ms + 6 * 3600e3).getUTCFullYear();

// What server k's own clock reads (ms): the verifier's checked_at. k.now() is the test's
// estimate; the server's clock starts a moment later (whole seconds, process start), and
// under load that moment can be seconds.
async function serverClock(k) {
  const r = await k.req('POST', '/api/v1/verify', { body: { qr: 'clock' } });
  assert.equal(r.status, 200, r.text);
  return Date.parse(r.json.checked_at);
}

// When server k's clock is in a year's last 15 seconds (the suite's clock set to
// 31 December 23:59:59), wait them out by the server's own clock, so that the tests that
// follow run in one year. Returns the server's year.
export async function settleYear(k) {
  // The earlier of the two readings: when the estimate has passed midnight but the server
  // has not, the year to wait out is the server's.
  const t = Math.min(k.now(), await serverClock(k));
  const end = Date.UTC(bishkekYear(t) + 1, 0, 1) - 6 * 3600e3;
  if (end - t <= 15000) {
    await new Promise((res) => setTimeout(res, Math.max(0, end - t) + 200));
    for (let i = 0; i < 300 && (await serverClock(k)) < end; i++) await new Promise((res) => setTimeout(res, 100));
  }
  return bishkekYear(await serverClock(k));
}

// A demo server that crossed into a new year after loading its data has only the old
// year's quotas: wait out the old year, then the ministry opens the new year's quotas as
// the old year's were (as it does before a year begins). Elsewhere in a year: nothing.
export async function intoTheNewYear(k, ministryToken) {
  const year = await settleYear(k);
  const r = await k.req('GET', '/api/v1/quotas', { token: ministryToken });
  assert.equal(r.status, 200, r.text);
  const demoYear = Math.min(...r.json.items.map((q) => q.year));
  if (r.json.items.some((q) => q.year === year)) return { year, demoYear };
  for (const q of r.json.items.filter((x) => x.year === demoYear)) {
    const body = { direction: q.direction, partner: q.partner, year, type: q.type,
      start_number: q.start_number, end_number: q.end_number, note: q.note };
    const c = await k.req('POST', '/api/v1/quotas', { token: ministryToken, body });
    assert.equal(c.status, 201, c.text);
  }
  return { year, demoYear };
}

// The demo data gives truck 01KG123ABC an unused permit to Uzbekistan issued in the year it
// was loaded. A server that crossed into a new year after loading it gets that permit in the
// new year too (the carrier applies), so "this year" holds what the demo promises.
export async function demoPermitThisYear(k, { year, demoYear }, carrierToken) {
  if (year === demoYear) return;
  const v = await k.req('GET', '/api/v1/vehicles', { token: carrierToken });
  assert.equal(v.status, 200, v.text);
  const truck = (v.json.items || v.json).find((x) => x.plate === '01KG123ABC');
  assert.ok(truck, v.text);
  const r = await k.req('POST', '/api/v1/permit-applications', { token: carrierToken,
    body: { partner: 'UZ', type: 'BILATERAL', vehicle_id: truck.id } });
  assert.equal(r.status, 201, r.text);
}
