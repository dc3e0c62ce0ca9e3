// checkpoints.mjs: `make bench` scenarios for checkpoints, printed beside the machine's own
// limits measured in the same run: the raw durable-transaction rate (bench/rawtx, same sync
// settings) and a bare HTTP endpoint (GET /healthz).
//   1. crossing registration by a plate camera's device key: plate look-up, permit match,
//      ENTRANCE recorded on the partner's permit, crossing + driver + audit rows, durable
//      commit (group-committed by the writer thread);
//   2. "can I cross here, then, with this?": status answers from the registry in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, ADMIN_PASSWORD, ROOT } from '../tests/lib/kapka.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const PERMITS = Number(process.env.BENCH_PERMITS || 300000);
const CONNS = Number(process.env.BENCH_CONNECTIONS || 128);
const out = mkdtempSync(join(tmpdir(), 'kapka-bench-'));

const wrk = (args) => execFileSync('wrk', args, { encoding: 'utf8', env: process.env });
const rate = (s) => Number(/Requests\/sec:\s+([\d.]+)/.exec(s)[1]);
const pct = (s, p) => (/Latency Distribution[\s\S]*/.exec(s)[0].match(new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`)) || [])[1];
const non2xx = (s) => Number((/Non-2xx or 3xx responses: (\d+)/.exec(s) || [0, 0])[1]);
const seconds = (s) => Number(/requests in ([\d.]+)(m?s)/.exec(s)[1]) * (/requests in [\d.]+ms/.test(s) ? 0.001 : 1);
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

const raw = execFileSync(join(ROOT, 'build/bench/rawtx'), [join(out, 'raw.db'), '5', '1'], { encoding: 'utf8' });
const rawRate = Number(/([\d.]+) tx\/s/.exec(raw)[1]);

const k = await startKapka({ kind: 'sqlite', args: ['--log-level', 'warn'], env: { KAPKA_KEY_PASSPHRASE: 'bench-passphrase-1', ...(process.env.BENCH_TUNABLES ? { GLIBC_TUNABLES: process.env.BENCH_TUNABLES } : {}) } });
try {
  const admin = await k.login('admin', ADMIN_PASSWORD);
  const year = new Date().getUTCFullYear();
  let r = await k.req('POST', '/api/v1/quotas', { token: admin, body: { direction: 'inbound', partner: 'UZ', year, type: 1, start_number: 1, end_number: PERMITS } });
  if (r.status !== 201) throw new Error('quota: ' + r.text);
  // The partner's permits as the partner exchange stores them, straight into the database:
  // the bench measures registering crossings, not receiving permits.
  const expires = Math.floor(Date.now() / 1000) + 30 * 86400;
  sql(k.dbUrl, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${PERMITS - 1})
    INSERT INTO permits (id, issuer, verifier, year, type, serial, plate, company_name, company_id, issued_at, expires_at, status)
    SELECT printf('UZ-KG-${year}-1-%d', i + 1), 'UZ', 'KG', ${year}, 1, i + 1, printf('BP%07d', i), 'Bench Trans ' || (i % 500),
      printf('UZ%07d', i % 500), 0, ${expires}, 'issued' FROM n;`);
  r = await k.req('POST', '/api/v1/checkpoints/dostyk/devices', { token: admin, body: { name: 'bench plate camera', kind: 'plate_camera' } });
  if (r.status !== 201) throw new Error('device: ' + r.text);
  process.env.KAPKA_BENCH_DEVICE_KEY = r.json.key;
  process.env.KAPKA_BENCH_THREADS = '2';

  const bare = rate(wrk(['-t2', '-c32', `-d${Math.min(SECONDS, 5)}s`, `${k.url}/healthz`]));
  const before = Number(sql(k.dbUrl, 'SELECT COUNT(*) FROM crossings'));
  const res = wrk(['-t2', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', '-s', join(ROOT, 'bench/crossing.lua'), k.url]);
  await new Promise((res) => setTimeout(res, 1000)); // answers still in flight when wrk stopped
  const done = Number(sql(k.dbUrl, 'SELECT COUNT(*) FROM crossings')) - before;
  const matched = Number(sql(k.dbUrl, "SELECT COUNT(*) FROM crossings WHERE permit_match = 'recorded'"));
  const activities = Number(sql(k.dbUrl, "SELECT COUNT(*) FROM permit_activities WHERE activity_type = 'ENTRANCE'"));
  const perS = done / seconds(res);
  const st = wrk(['-t2', '-c64', `-d${Math.min(SECONDS, 5)}s`, '--latency', '-s', join(ROOT, 'bench/status.lua'), k.url]);
  const stRate = rate(st);
  console.log(`bench: raw durable transactions (SQLite, synchronous=FULL, 1 writer): ${rawRate.toFixed(0)} tx/s`);
  console.log(`bench: bare HTTP endpoint GET /healthz: ${bare.toFixed(0)} req/s`);
  console.log(`bench: crossings registered over HTTP: ${perS.toFixed(0)} crossings/s (${done} in ${seconds(res).toFixed(1)} s, ${CONNS} connections, ${non2xx(res)} non-2xx; ${matched} permits matched, ${activities} ENTRANCEs recorded)`);
  console.log(`bench:   latency p50 ${pct(res, 50)}, p99 ${pct(res, 99)}; = ${(perS / rawRate).toFixed(1)}x the raw durable-transaction rate, ${(perS / bare).toFixed(3)} of the bare endpoint (target 5,000/s)`);
  console.log(`bench: status answers: ${stRate.toFixed(0)} answers/s (${non2xx(st)} non-2xx, p50 ${pct(st, 50)}, p99 ${pct(st, 99)}) = ${(stRate / bare).toFixed(2)} of the bare endpoint (target 50,000/s)`);
} finally {
  const code = await k.stop();
  if (process.env.BENCH_LOG) (await import('node:fs')).writeFileSync(process.env.BENCH_LOG, k.log());
  if (code !== 0) console.log(`bench: kapka exited with ${code}`);
  const stats = /group commit: [^"]*/.exec(k.log());
  console.log(stats ? `bench:   ${stats[0]}` : `bench: (no group-commit statistics in the log: ${k.log().slice(-300)})`);
  rmSync(out, { recursive: true, force: true });
}
