// window.mjs: `make bench` scenario for the single window: EV duty-free applications filed
// and then decided through every step (customs approval reserving the place under the
// year's lock, the Ministry of Economy's approval, the registration fee paid with its signed
// receipt, the registration service's approval making the allocation final), each act its
// own durable transaction with its audit row and transparency-log leaf; printed beside the
// machine's raw durable-transaction rate measured in the same run.
//   BENCH_WINDOW_APPS (default 600) applications, BENCH_WINDOW_CONCURRENCY (default 16).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startKapka, ADMIN_PASSWORD, ROOT } from '../tests/lib/kapka.mjs';

const APPS = Number(process.env.BENCH_WINDOW_APPS || 600);
const CONC = Number(process.env.BENCH_WINDOW_CONCURRENCY || 16);
const out = mkdtempSync(join(tmpdir(), 'kapka-bench-window-'));
const raw = execFileSync(join(ROOT, 'build/bench/rawtx'), [join(out, 'raw.db'), '5', '1'], { encoding: 'utf8' });
const rawRate = Number(/([\d.]+) tx\/s/.exec(raw)[1]);

const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const V = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
const W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
function vin(i) {
  const v = `LRW${randomBytes(2).toString('hex').toUpperCase().replace(/[IOQ]/g, 'A')}D0T${String(i).padStart(7, '0')}`;
  let s = 0;
  for (let k = 0; k < 17; k++) s += (/\d/.test(v[k]) ? Number(v[k]) : V[L.indexOf(v[k])]) * W[k];
  return v.slice(0, 8) + (s % 11 === 10 ? 'X' : String(s % 11)) + v.slice(9);
}

async function pool(n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (next < n) await fn(next++);
  }));
}

function must(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.json;
}

console.log(`bench: raw durable transactions (SQLite, synchronous=FULL, 1 writer): ${rawRate.toFixed(0)} tx/s`);
// Once as served (every decision appends its transparency-log leaf), once with the log
// switched off, to show what the log costs these acts; on PostgreSQL too when KAPKA_TEST_PG
// names a server (sh tests/pg.sh make bench).
const runs = [['sqlite', true], ['sqlite', false], ...(process.env.KAPKA_TEST_PG ? [['pg', true]] : [])];
for (const [kind, tlog] of runs) {
  const k = await startKapka({ kind, args: ['--log-level', 'warn', '--transparency-log', tlog ? '1' : '0'], env: { KAPKA_KEY_PASSPHRASE: 'bench-passphrase-1' } });
  try {
    const admin = await k.login('admin', ADMIN_PASSWORD);
    const staff = {};
    for (const [code, kind, role] of [['customs', 'customs', 'officer'], ['economy', 'ministry', 'ministry'], ['registration', 'ministry', 'ministry']]) {
      const org = must(await k.req('POST', '/api/v1/organisations', { token: admin, body: { kind, name: `bench ${code}` } }), 201, 'org');
      must(await k.req('POST', '/api/v1/users', { token: admin, body: { username: `bench-${code}`, password: 'bench-password-1', role, organisation_id: org.id } }), 201, 'user');
      must(await k.req('PUT', `/api/v1/window/agencies/${code}`, { token: admin, body: { org_id: org.id, name_en: code, name_ru: code, name_ky: code } }), 200, 'agency');
      staff[code] = await k.login(`bench-${code}`, 'bench-password-1');
    }
    const year = new Date(Date.now() + 6 * 3600e3).getUTCFullYear();
    const y = (await k.req('GET', '/api/v1/ev-quota')).json.years.find((x) => x.year === year);
    must(await k.req('PUT', `/api/v1/ev-quota/${year}`, { token: admin, body: { total: y.total, kinds: y.kinds, day_rule: 'fcfs', source: y.source } }), 200, 'ledger');
    const inn = `0${String(Date.now()).slice(-13)}`;
    const reg = { company_name: 'Bench Import LLC', inn, address: 'Bishkek', contact_name: 'Bench', contact_phone: '+996 555 000 000', contact_email: 'b@e.kg', licence_number: 'KG-B-1', username: 'bench-importer', password: 'bench-password-1' };
    must(await k.req('POST', '/api/v1/carriers', { body: reg }), 201, 'importer');
    const imp = await k.login('bench-importer', 'bench-password-1');
    const doc = must(await k.req('POST', '/api/v1/window/documents?kind=invoice&filename=i.pdf', { token: imp, raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } }), 201, 'document');

    const apps = [];
    let t0 = performance.now();
    await pool(APPS, async (i) => {
      apps[i] = must(await k.req('POST', '/api/v1/window/applications', { token: imp, body: {
        procedure: 'ev-duty-free', documents: [{ kind: 'invoice', id: doc.id }],
        data: { applicant_kind: 'company', tax_id: inn, permanent_resident: true, no_transfer_undertaking: true, vehicles: [{ vin: vin(i), kind: 'bev', make_model: 'Bench EV' }] } } }), 201, 'apply');
    });
    const filed = APPS / ((performance.now() - t0) / 1000);

    const step = (a, code) => a.steps.find((s) => s.code === code).id;
    t0 = performance.now();
    const spent = { customs: 0, economy: 0, fee: 0, registration: 0 };
    const timed = async (what, p) => { const s0 = performance.now(); const r = await p; spent[what] += performance.now() - s0; return r; };
    await pool(APPS, async (i) => {
      const a = apps[i];
      must(await timed('customs', k.req('POST', `/api/v1/window/steps/${step(a, 'customs')}/decision`, { token: staff.customs, body: { decision: 'approve' } })), 200, 'customs');
      must(await timed('economy', k.req('POST', `/api/v1/window/steps/${step(a, 'economy')}/decision`, { token: staff.economy, body: { decision: 'approve' } })), 200, 'economy');
      must(await timed('fee', k.req('POST', `/api/v1/window/fees/${a.fees[0].id}/payment`, { token: imp, body: { reference: `B-${i}` } })), 200, 'fee');
      must(await timed('registration', k.req('POST', `/api/v1/window/steps/${step(a, 'registration')}/decision`, { token: staff.registration, body: { decision: 'approve' } })), 200, 'registration');
    });
    if (process.env.BENCH_VERBOSE) console.log(Object.fromEntries(Object.entries(spent).map(([x, v]) => [x, `${(v / APPS).toFixed(1)} ms`])));
    const secs = (performance.now() - t0) / 1000;
    const decided = APPS / secs;
    const after = (await k.req('GET', '/api/v1/ev-quota')).json.years.find((x) => x.year === year);
    if (after.allocated - y.allocated !== APPS) throw new Error(`allocated ${after.allocated - y.allocated}, expected ${APPS}`);
    const how = `${kind === 'pg' ? 'PostgreSQL' : 'SQLite'}, ${tlog ? 'with the transparency log' : 'log switched off'}`;
    console.log(`bench: single-window EV applications filed (${how}): ${filed.toFixed(0)} applications/s (${APPS}, ${CONC} at a time; VIN claims, steps, fee, audit and log rows)`);
    console.log(`bench: single-window EV applications decided through all steps (${how}): ${decided.toFixed(1)} applications/s (${APPS} in ${secs.toFixed(1)} s: customs reserve + economy + fee with signed receipt + registration allocate = 4 durable acts each, ${(decided * 4).toFixed(0)} acts/s = ${((decided * 4) / rawRate).toFixed(2)}x the raw durable-transaction rate; all ${APPS} allocated)`);
  } finally {
    await k.stop();
  }
}
rmSync(out, { recursive: true, force: true });
