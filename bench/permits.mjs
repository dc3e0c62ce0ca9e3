// permits.mjs: `make bench` scenario for issuing permits over HTTP, printed beside the
// machine's own limits measured in the same run: the raw durable-transaction rate of the
// same database (bench/rawtx, same sync settings) and a bare HTTP endpoint.
import { execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, ADMIN_PASSWORD, ROOT } from '../tests/lib/kapka.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CARRIERS = Number(process.env.BENCH_CARRIERS || 500);
const PER = Number(process.env.BENCH_VEHICLES || 200);
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
const k = await startKapka({ kind: 'sqlite', args: ['--log-level', 'warn'], env: { KAPKA_KEY_PASSPHRASE: 'bench-passphrase-1' } });
try {
  const year = new Date().getUTCFullYear();
  const admin = await k.login('admin', ADMIN_PASSWORD);
  let r = await k.req('POST', '/api/v1/quotas', { token: admin, body: { direction: 'outbound', partner: 'UZ', year, type: 1, start_number: 1, end_number: 100000000 } });
  if (r.status !== 201) throw new Error('quota: ' + r.text);
  r = await k.req('PUT', '/api/v1/permit-types/1', { token: admin, body: { holding_limit: 100000 } });
  if (r.status !== 200) throw new Error('type: ' + r.text);
  // Carriers, their users, sessions and vehicles go straight into the database: the
  // bench measures issuing, not sign-up (argon2id would dominate the set-up time).
  const lines = [], sessions = [];
  const expires = Math.floor(Date.now() / 1000) + 86400;
  for (let c = 0; c < CARRIERS; c++) {
    const token = randomBytes(32).toString('base64url');
    const hash = createHash('sha256').update(token).digest('hex');
    sessions.push(`(${c + 1}, '${hash}')`);
    lines.push(token);
  }
  execFileSync('sqlite3', [k.dbUrl, `
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${CARRIERS})
    INSERT INTO organisations (id, kind, name, inn, licence_number, country, status, created_at)
      SELECT i, 'carrier', 'Bench Carrier ' || i, printf('09%012d', i), 'KG-B-' || i, 'KG', 'active', 0 FROM n;
    INSERT INTO users (org_id, username, role, pw_hash, created_at) SELECT id, 'bench' || id, 'carrier', 'x', 0 FROM organisations;
    CREATE TEMP TABLE s (org INTEGER, hash TEXT);
    INSERT INTO s VALUES ${sessions.join(',')};
    INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
      SELECT s.hash, u.id, 'csrf', 0, ${expires} FROM s JOIN users u ON u.org_id = s.org;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PER - 1})
    INSERT INTO vehicles (org_id, plate, vin, kind, euro_class, status, created_at)
      SELECT o.id, printf('B%05d%05d', o.id, n.i), printf('BENCH%05d%07d', o.id, n.i), 'tractor', 5, 'active', 0
      FROM organisations o, n ORDER BY o.id, n.i;`]);
  const firsts = execFileSync('sqlite3', [k.dbUrl, 'SELECT MIN(id) FROM vehicles GROUP BY org_id ORDER BY org_id'], { encoding: 'utf8' }).trim().split('\n');
  for (let c = 0; c < CARRIERS; c++) lines[c] = `${lines[c]} ${firsts[c]} ${PER}`;
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
  const stats = /group commit: [^"]*/.exec(k.log());
  console.log(stats ? `bench:   ${stats[0]}` : `bench: (no group-commit statistics in the log: ${k.log().slice(-300)})`);
  rmSync(out, { recursive: true, force: true });
}
