// transparency.mjs: `make bench` for the transparency log. (1) bench/tlog appends
// BENCH_TLOG_LEAVES (1,000,000) leaves, rebuilds and signs the tree and sizes the proofs;
// (2) kapka serves that log: tiles, entry bundles and the checkpoint over HTTP, beside the
// bare endpoint; (3) permit issuance over HTTP with the log off and on, in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, ROOT } from '../tests/lib/kapka.mjs';

const LEAVES = Number(process.env.BENCH_TLOG_LEAVES || 1000000);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const PASS = 'bench-passphrase-1';
const out = mkdtempSync(join(tmpdir(), 'kapka-bench-tlog-'));
const rate = (s) => Number(/Requests\/sec:\s+([\d.]+)/.exec(s)[1]);
const wrk = (url) => rate(execFileSync('wrk', ['-t2', '-c32', `-d${SECONDS}s`, url], { encoding: 'utf8' }));

try {
  const db = join(out, 'tlog.db');
  process.stdout.write(execFileSync(join(ROOT, 'build/bench/tlog'), [db, String(LEAVES), PASS],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));

  const k = await startKapka({ kind: 'sqlite', args: ['--log-level', 'error'],
    env: { KAPKA_DB: db, KAPKA_KEY_PASSPHRASE: PASS } });
  try {
    const info = await k.req('GET', '/api/v1/transparency');
    const size = info.json.size;
    const n = Math.floor(size / 256 / 2); // a full tile in the middle
    const idx = (x) => { let s = String(x % 1000).padStart(3, '0'); for (x = Math.floor(x / 1000); x > 0; x = Math.floor(x / 1000)) s = `x${String(x % 1000).padStart(3, '0')}/${s}`; return s; };
    const bare = wrk(`${k.url}/healthz`);
    const tile = wrk(`${k.url}/log/tile/0/${idx(n)}`);
    const tile1 = wrk(`${k.url}/log/tile/1/000`);
    const bundle = wrk(`${k.url}/log/tile/entries/${idx(n)}`);
    const cp = wrk(`${k.url}/log/checkpoint`);
    const proof = wrk(`${k.url}/api/v1/transparency/proofs/inclusion?index=${Math.floor(size / 3)}`);
    console.log(`bench: serving a log of ${size} leaves (bare GET /healthz: ${bare.toFixed(0)} req/s):`);
    console.log(`bench:   level-0 tile (8 KB): ${tile.toFixed(0)} req/s = ${(tile / bare).toFixed(2)} of bare; level-1 tile: ${tile1.toFixed(0)} req/s`);
    console.log(`bench:   entry bundle (256 leaves from the database): ${bundle.toFixed(0)} req/s = ${(bundle / bare).toFixed(2)} of bare`);
    console.log(`bench:   checkpoint: ${cp.toFixed(0)} req/s; JSON inclusion proof: ${proof.toFixed(0)} req/s`);
  } finally {
    await k.stop();
  }

  // Issuance with the log off, then on: the same scenario, the same machine, one after the other.
  const issue = (on) => {
    const s = execFileSync('node', [join(ROOT, 'bench/permits.mjs')], {
      encoding: 'utf8', env: { ...process.env, KAPKA_TRANSPARENCY_LOG: on ? '1' : '0', BENCH_SECONDS: String(SECONDS) },
    });
    return Number(/permits issued over HTTP: ([\d.]+) permits\/s/.exec(s)[1]);
  };
  const off = issue(false);
  const on = issue(true);
  console.log(`bench: permit issuance with the transparency log off: ${off.toFixed(0)} permits/s, on: ${on.toFixed(0)} permits/s`
    + ` = ${(on / off).toFixed(2)} (the target is at least 0.90)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
