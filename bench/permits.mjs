// permits.mjs: `make bench` scenario for issuing permits over HTTP, printed beside the
// machine's own limits measured in the same run: the raw durable-transaction rate of the
// same database (bench/rawtx, same sync settings) and a bare HTTP endpoint.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, ADMIN_PASSWORD, ROOT } from '../tests/lib/kapka.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CARRIERS = Number(process.env.BENCH_CARRIERS || 40);
const PER = Number(process.env.BENCH_VEHICLES || 2000);
const CONNS = Number(process.env.BENCH_CONNECTIONS || 128);
const out = mkdtempSync(join(tmpdir(), 'kapka-bench-'));

function wrk(args) {
  return execFileSync('wrk', args, { encoding: 'utf8', env: process.env });
}
const rate = (s) => Number(/Requests\/sec:\s+([\d.]+)/.exec(s)[1]);
const pct = (s, p) => (/Latency Distribution[\s\S]*/.exec(s)[0].match(new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`)) || [])[1];

// 1. The raw durable-transaction rate of a fresh SQLite file with the server's settings.
const raw = execFileSync(join(ROOT, 'build/bench/rawtx'), [join(out, 'raw.db'), '5', '1'], { encoding: 'utf8' });
const rawRate = Number(/([\d.]+) tx\/s/.exec(raw)[1]);

// 2. A server with a big quota, many carriers and vehicles.
const k = await startKapka({ kind: 'sqlite', args: ['--log-level', 'error'], env: { KAPKA_KEY_PASSPHRASE: 'bench-passphrase-1' } });
try {
  const year = new Date().getUTCFullYear();
  const admin = await k.login('admin', ADMIN_PASSWORD);
  let r = await k.req('POST', '/api/v1/quotas', { token: admin, body: { direction: 'outbound', partner: 'UZ', year, type: 1, start_number: 1, end_number: 100000000 } });
  if (r.status !== 201) throw new Error('quota: ' + r.text);
  r = await k.req('PUT', '/api/v1/permit-types/1', { token: admin, body: { holding_limit: 100000 } });
  if (r.status !== 200) throw new Error('type: ' + r.text);
  const lines = [];
  for (let c = 0; c < CARRIERS; c++) {
    const inn = '0' + String(9000000000000 + c).padStart(13, '0');
    const username = `bench${c}`;
    r = await k.req('POST', '/api/v1/carriers', { body: { company_name: `Bench Carrier ${c}`, inn, address: 'Bishkek', contact_name: 'Bench', contact_phone: '+996 555 000000', licence_number: `KG-B-${c}`, username, password: 'bench-password-1' } });
    if (r.status !== 201) throw new Error('carrier: ' + r.text);
    const org = r.json.organisation.id;
    execFileSync('sqlite3', [k.dbUrl, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PER - 1})
      INSERT INTO vehicles (org_id, plate, vin, kind, euro_class, status, created_at)
      SELECT ${org}, printf('BN%03d%06d', ${c}, i), printf('BENCH%03d%09d', ${c}, i), 'tractor', 5, 'active', 0 FROM n;`]);
    const first = execFileSync('sqlite3', [k.dbUrl, `SELECT MIN(id) FROM vehicles WHERE org_id = ${org}`], { encoding: 'utf8' }).trim();
    lines.push(`${await k.login(username, 'bench-password-1')} ${first} ${PER}`);
  }
  writeFileSync(join(out, 'carriers.txt'), lines.join('\n') + '\n');
  process.env.KAPKA_BENCH_CARRIERS = join(out, 'carriers.txt');
  process.env.KAPKA_BENCH_THREADS = '2';

  // 3. The machine's HTTP limit for kapka, then the scenario.
  const bare = rate(wrk(['-t2', '-c32', `-d${Math.min(SECONDS, 5)}s`, `${k.url}/healthz`]));
  const before = Number(execFileSync('sqlite3', [k.dbUrl, 'SELECT COUNT(*) FROM permits'], { encoding: 'utf8' }));
  const res = wrk(['-t2', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', '-s', join(ROOT, 'bench/apply.lua'), k.url]);
  const issued = Number(execFileSync('sqlite3', [k.dbUrl, 'SELECT COUNT(*) FROM permits'], { encoding: 'utf8' })) - before;
  const non2xx = Number((/Non-2xx or 3xx responses: (\d+)/.exec(res) || [0, 0])[1]);
  const secs = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(res)[2]) * (/requests in [\d.]+ms/.test(res) ? 0.001 : 1);
  const perS = issued / secs;
  console.log(`bench: raw durable transactions (SQLite, synchronous=FULL, 1 writer): ${rawRate.toFixed(0)} tx/s`);
  console.log(`bench: bare HTTP endpoint GET /healthz: ${bare.toFixed(0)} req/s`);
  console.log(`bench: permits issued over HTTP: ${perS.toFixed(0)} permits/s (${issued} in ${secs.toFixed(1)} s, ${CONNS} connections, ${non2xx} non-2xx)`);
  console.log(`bench:   latency p50 ${pct(res, 50)}, p99 ${pct(res, 99)}`);
  console.log(`bench:   = ${(perS / rawRate).toFixed(1)}x the raw durable-transaction rate (group commit), ${(perS / bare).toFixed(3)} of the bare endpoint`);
  console.log(`bench:   130,000 permits (the 2025 national volume) would take ${(130000 / perS).toFixed(1)} s`);
} finally {
  await k.stop();
  rmSync(out, { recursive: true, force: true });
}
