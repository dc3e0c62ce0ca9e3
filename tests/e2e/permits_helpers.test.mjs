// permits_helpers.test.mjs: what the freight e-permit tests (tests/e2e/permits_*.test.mjs)
// share on top of ./lib.mjs: demo sign-ins, vehicles, applications, quotas, refusal
// checks, binary downloads, reading QR codes out of PNGs and PDFs, and before/after
// snapshots of what the server stored. It holds no tests of its own; its name only keeps
// it among the permits*.test.mjs files (node --test runs it and finds nothing to do).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { before, after } from 'node:test';
import { newCarrier, assertError, adminToken, startKapka, stopClean, localDate } from './lib.mjs';
import { settleYear as settleServerYear, intoTheNewYear as openServerYear } from '../lib/years.mjs';

export * from './lib.mjs';

export const DEMO_PASSWORD = 'kapka-demo-2026';

// The permit year kapka uses by default: the calendar year in Bishkek (UTC+6, the default
// utc_offset_minutes) on the file's clock; usePermitServer sets it to its server's year
// once the server runs (a live binding: read it inside tests, not at load).
export let YEAR = Number(localDate(0).slice(0, 4));
// The year the demonstration data was loaded in (its permit KG-UZ-<DEMO_YEAR>-1-1): YEAR,
// unless the file's server crossed into a new year after loading it.
export let DEMO_YEAR = YEAR;

// When server k's clock is in a year's last 15 seconds (the suite's clock set to 31
// December 23:59:59), wait them out by the server's own clock, so that the tests that
// follow run in one year; then YEAR is the server's year (returned). The rule lives in
// tests/lib/years.mjs, shared with the browser tests.
export async function settleYear(k) {
  YEAR = await settleServerYear(k);
  return YEAR;
}

// A file whose server starts in the last seconds of a year runs its tests in the next one,
// with the demonstration data of the year that ended: the ministry opens the new year's
// quotas as the old year's were (tests/lib/years.mjs). Elsewhere in a year: nothing.
export async function intoTheNewYear(k, tok) {
  ({ year: YEAR, demoYear: DEMO_YEAR } = await openServerYear(k, tok.ministry));
}

// The QR id pattern of the universal e-permit verifier (e-permit/verify, schema.json).
export const VERIFIER_ID_RE = /^[A-Z]{2}-[A-Z]{2}-\d{4}-(1|2|3)-[0-9]+$/;
export const DMY_RE = /^(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}$/;

// Bearer tokens of every demo user, signed in once per file (argon2id makes each sign-in
// cost tens of milliseconds).
export async function demoTokens(k) {
  const names = ['ministry', 'officer', 'auditor', 'carrier', 'traveller'];
  const got = await Promise.all(names.map((n) => k.login(n, DEMO_PASSWORD)));
  const out = Object.fromEntries(names.map((n, i) => [n, got[i]]));
  out.admin = await adminToken(k);
  return out;
}

// One demo server for a whole file, with every demo user signed in: `const srv =
// usePermitServer();` then srv.k and srv.tok.ministry inside tests. One hook does both
// (node 20 runs a file's top-level before hooks concurrently).
export function usePermitServer(opts = {}) {
  const holder = { k: null, tok: null };
  before(async () => {
    holder.k = await startKapka({ demo: true, ...opts });
    holder.tok = await demoTokens(holder.k);
    await intoTheNewYear(holder.k, holder.tok); // sets YEAR by the server's own clock
  });
  after(async () => { if (holder.k) await stopClean(holder.k); });
  return holder;
}

// Demo servers whose clocks start at given instants, each with the demo users signed in,
// all stopped when the file ends: `const serverAt = useServersAt();` then
// `const { k, tok } = await serverAt('2026-12-10T09:00:00+06:00');` inside a test.
export function useServersAt() {
  const servers = [];
  after(async () => { for (const k of servers) await stopClean(k); });
  return async (now) => {
    const k = await startKapka({ demo: true, now });
    servers.push(k);
    return { k, tok: await demoTokens(k) };
  };
}

const VIN_CHARS = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'; // ISO 3779: no I, O or Q
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
let plateSeq = 0;

export function newVin() {
  let s = '';
  for (let i = 0; i < 17; i++) s += VIN_CHARS[randomInt(VIN_CHARS.length)];
  return s;
}

// A plate no other vehicle of this process has: 01 + counter + random letters, spelled
// with spaces the way people type it (kapka stores it normalised).
export function newPlate() {
  plateSeq += 1;
  let tail = '';
  for (let i = 0; i < 3; i++) tail += LETTERS[randomInt(LETTERS.length)];
  return `01 ${String(plateSeq).padStart(4, '0')} ${tail}`;
}

export const normPlate = (p) => p.replace(/[ -]/g, '').toUpperCase();

export async function addVehicle(k, token, over = {}) {
  const body = { plate: newPlate(), vin: newVin(), kind: 'tractor', euro_class: 5, make: 'KAMAZ', model: '5490', ...over };
  const r = await k.req('POST', '/api/v1/vehicles', { token, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// A newly registered carrier with n vehicles: {user, org, token, body, vehicles}.
export async function carrierWithFleet(k, n = 1, vehicleOver = {}) {
  const c = await newCarrier(k);
  c.vehicles = [];
  for (let i = 0; i < n; i++) c.vehicles.push(await addVehicle(k, c.token, vehicleOver));
  return c;
}

export function apply(k, token, body) {
  return k.req('POST', '/api/v1/permit-applications', { token, body });
}

// Apply and insist on a permit in the answer; returns the permit.
export async function issue(k, token, body) {
  const r = await apply(k, token, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.decision, 'issued', r.text);
  return r.json.permit;
}

// A quota range (outbound: the partner grants Kyrgyzstan) with the current year and
// BILATERAL unless told otherwise.
export async function createQuota(k, token, body) {
  const r = await k.req('POST', '/api/v1/quotas', {
    token, body: { direction: 'outbound', year: YEAR, type: 1, ...body },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

export async function quotaById(k, token, id) {
  const r = await k.req('GET', '/api/v1/quotas', { token });
  assert.equal(r.status, 200, r.text);
  const q = r.json.items.find((x) => x.id === id);
  assert.ok(q, `quota ${id} is not listed`);
  return q;
}

export async function setPermitType(k, token, code, body) {
  const r = await k.req('PUT', `/api/v1/permit-types/${code}`, { token, body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// A refusal: 422, error.code the first failed check, error.reasons all of them (in
// order), and the application stored as refused with the same reasons and no permit.
// stored: false for an application naming no vehicle of the carrier, which is refused
// (and audited) without an application row, since a row must reference a real vehicle.
export function assertRefused(r, codes, { stored = true } = {}) {
  const err = assertError(r, 422, codes[0]);
  assert.ok(Array.isArray(err.reasons), `no error.reasons in ${r.text}`);
  assert.deepEqual(err.reasons.map((x) => x.code), codes, r.text);
  for (const x of err.reasons) assert.ok(typeof x.message === 'string' && x.message.length > 0, r.text);
  if (!stored) {
    assert.equal(r.json.application, null, r.text);
    return null;
  }
  const ap = r.json.application;
  assert.ok(ap && typeof ap.id === 'number', `no stored application in ${r.text}`);
  assert.equal(ap.status, 'refused', r.text);
  assert.deepEqual(ap.reasons.map((x) => x.code), codes, r.text);
  assert.equal(ap.permit_id, null, r.text);
  assert.ok(!('permit' in r.json), r.text);
  return ap;
}

// The stored application as the ministry sees it.
export async function applicationById(k, token, id) {
  const r = await k.req('GET', `/api/v1/permit-applications/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// GET a binary resource: {status, type, headers, buf}.
export async function getBytes(k, path, token) {
  const r = await fetch(k.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: r.status, type: r.headers.get('content-type'), headers: r.headers, buf: Buffer.from(await r.arrayBuffer()) };
}

function withTempDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-permit-'));
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

// The text of the QR code(s) in a PNG image, read with zbarimg (zbar-tools).
export function scanQr(png) {
  return withTempDir((dir) => {
    const f = join(dir, 'qr.png');
    writeFileSync(f, png);
    return execFileSync('zbarimg', ['--raw', '-q', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  });
}

// The pages of a PDF rendered at 150 dpi with pdftoppm (poppler-utils), as PNG buffers.
export function pdfPages(pdf) {
  return withTempDir((dir) => {
    const f = join(dir, 'doc.pdf');
    writeFileSync(f, pdf);
    execFileSync('pdftoppm', ['-r', '150', '-png', f, join(dir, 'page')], { stdio: ['ignore', 'ignore', 'ignore'] });
    return readdirSync(dir).filter((n) => n.startsWith('page') && n.endsWith('.png')).sort()
      .map((n) => readFileSync(join(dir, n)));
  });
}

// The text of a PDF, with pdftotext (poppler-utils).
export function pdfText(pdf) {
  return withTempDir((dir) => {
    const f = join(dir, 'doc.pdf');
    writeFileSync(f, pdf);
    return execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  });
}

// What the server holds, counted through the API with an official's token (ministry or
// admin): the newest audit entry, applications, permits, vehicles, quotas and
// organisations. Every write kapka makes leaves an audit entry, so an unchanged audit
// head means nothing was written.
export async function snapshot(k, token) {
  const get = async (path) => {
    const r = await k.req('GET', path, { token });
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.json.items;
  };
  const [audit, apps, permits, vehicles, quotas, orgs, types] = await Promise.all([
    get('/api/v1/audit?limit=1'), get('/api/v1/permit-applications?limit=1000'), get('/api/v1/permits?limit=1000'),
    get('/api/v1/vehicles'), get('/api/v1/quotas'), get('/api/v1/organisations?limit=500'), get('/api/v1/permit-types'),
  ]);
  return {
    audit_head: audit[0]?.id ?? 0,
    applications: apps.length,
    permits: permits.length,
    vehicles: vehicles.length,
    quotas: quotas.length,
    quota_ends: quotas.map((q) => `${q.id}:${q.end_number}:${q.usage.remaining}`).join(','),
    organisations: orgs.map((o) => `${o.id}:${o.status}`).join(','),
    permit_states: permits.map((p) => `${p.id}:${p.status}:${p.used_up}`).join(','),
    vehicle_states: vehicles.map((v) => `${v.id}:${v.status}`).join(','),
    types: JSON.stringify(types),
  };
}
