// kapka.mjs: start the real kapka binary on a free loopback port with a fresh database,
// and talk HTTP to it. Used by tests/e2e and tests/browser.
//
//   const k = await startKapka();            // backend from KAPKA_E2E_BACKEND (sqlite|pg)
//   const r = await k.req('POST', '/api/v1/session', { body: {...} });
//   r.status, r.json, r.headers
//   await k.stop();                          // SIGTERM; resolves with the exit code
//
// The server's clock (docs/configuration.md, "Test-only settings"):
//   const k = await startKapka({ now: '2026-12-31T23:59:59+06:00' });  // starts then, runs on
//   k.now()                                  // what the server's clock reads now (ms)
//   await k.travel(86400)                    // restart it a day later on that timeline
// Without `now`, KAPKA_TEST_CLOCK in the environment (tests/run.sh's knob) sets it: the
// server joins the file's timeline (clockNow(), localDate(n)); the subcommands run through
// k.run() share the same timeline.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_PASSWORD = 'admin-password-1';

function binPath() {
  return resolve(ROOT, process.env.KAPKA_BIN || 'bin/kapka');
}

// Epoch milliseconds of an instant given as ISO 8601 text or epoch seconds (number or text).
export function instantMs(when) {
  if (typeof when === 'number' || /^\d+$/.test(String(when))) return Number(when) * 1000;
  const ms = Date.parse(when);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${when}`);
  return ms;
}

// The suite's clock (tests/run.sh, KAPKA_TEST_CLOCK): one timeline for a test file, starting
// at that instant when the file is loaded. Servers started without `now` join it where it
// has got to, so a test's own dates (clockNow) and its server's agree. Without the setting,
// the wall clock. Epoch milliseconds.
const SUITE_CLOCK = process.env.KAPKA_TEST_CLOCK ? instantMs(process.env.KAPKA_TEST_CLOCK) : null;
const LOADED = Date.now();
export function clockNow() {
  return SUITE_CLOCK === null ? Date.now() : SUITE_CLOCK + (Date.now() - LOADED);
}

// fn() with Date.now() reading the suite's clock: for a verifier written by others that
// judges freshness by its own clock (the receiving side lives on the suite's timeline too).
export function onSuiteClock(fn) {
  if (SUITE_CLOCK === null) return fn();
  const real = Date.now;
  const shift = clockNow() - real();
  Date.now = () => real() + shift;
  try { return fn(); } finally { Date.now = real; }
}

// The local civil date in Kyrgyzstan (UTC+6) n days from now on clockNow(), "YYYY-MM-DD".
export function localDate(n = 0, offsetMin = 360) {
  return new Date(clockNow() + offsetMin * 60000 + n * 86400000).toISOString().slice(0, 10);
}

// Ask fn every `every` ms until it answers something truthy, and return that; after ms
// milliseconds (wall clock: a bound on the test, not what it checks) fail naming `what`.
export async function eventually(fn, what, ms = 20000, every = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// For a server whose tests use "the current hour": the instant to start it at so that the
// hour has at least marginS seconds left — the suite's clock (KAPKA_TEST_CLOCK) or the wall
// clock, moved to the start of the next hour when too close to the end. undefined when no
// move is needed (the wall clock then).
export function awayFromHourEnd(marginS = 300) {
  const set = SUITE_CLOCK !== null;
  const t = Math.floor(clockNow() / 1000);
  const left = 3600 - (((t % 3600) + 3600) % 3600);
  if (left >= marginS) return set ? t : undefined;
  return t + left;
}

// The clock settings that start a server (or subcommand) at `when`: the instant is given
// in whole seconds, so the server's clock reads exactly it at start.
function clockEnv(when) {
  if (when === undefined || when === null || when === '') return { env: {} };
  const at = Math.floor(instantMs(when) / 1000);
  return { env: { KAPKA_TEST_MODE: '1', KAPKA_TEST_CLOCK: String(at) }, at };
}

export function backend() {
  return process.env.KAPKA_E2E_BACKEND || 'sqlite';
}

// A fresh database for one server: a SQLite file in a temp folder, or a new database
// on the PostgreSQL server named by KAPKA_TEST_PG.
export function freshDatabase(kind, dir) {
  if (kind === 'sqlite') return { url: join(dir, 'kapka.db'), drop() {} };
  const base = process.env.KAPKA_TEST_PG;
  if (!base) throw new Error('KAPKA_TEST_PG is not set; make test starts a cluster and sets it');
  const name = 'kapka_t_' + randomBytes(6).toString('hex');
  execFileSync('psql', [base, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const u = new URL(base);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    drop() {
      try {
        execFileSync('psql', [base, '-qAt', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' });
      } catch { /* the cluster may already be gone */ }
    },
  };
}

// Run a kapka subcommand to completion against a database; returns {code, stdout, stderr}.
export function runKapka(args, { env = {}, input } = {}) {
  return new Promise((res) => {
    const e = { ...process.env, ...env };
    if (e.KAPKA_TEST_CLOCK) e.KAPKA_TEST_MODE = '1'; // the suite's clock (tests/run.sh)
    const p = spawn(binPath(), args, { env: e, cwd: ROOT });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => res({ code: -1, stdout, stderr: stderr + String(e) }));
    if (input !== undefined) p.stdin.end(input); else p.stdin.end();
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

// Start the server; resolves with its port once it says it is serving.
function launch(env, args, port) {
  const proc = spawn(binPath(), ['serve', '--listen', '127.0.0.1', '--port', String(port), ...args],
    { env, cwd: ROOT });
  let log = '';
  const ready = new Promise((res, rej) => {
    proc.on('error', (e) => rej(new Error(`kapka could not start: ${e}`)));
    const timer = setTimeout(() => rej(new Error('kapka did not start in 30 s:\n' + log)), 30000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /serving http:\/\/[^:]+:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); rej(new Error(`kapka exited with ${code}:\n${log}`)); });
  });
  proc.stdout.resume();
  const exited = new Promise((res) => proc.on('close', (code, sig) => res(code ?? sig)));
  return { proc, ready, exited, log: () => log };
}

export async function startKapka({ kind = backend(), env = {}, args = [], demo = false,
  now = SUITE_CLOCK === null ? undefined : Math.floor(clockNow() / 1000) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-test-'));
  const db = freshDatabase(kind, dir);
  // The set clock is one timeline: started at `now` when this server is started, and given
  // to every later subcommand and restart at the instant it has reached by then.
  const clock = clockEnv(now);
  const started = Date.now();
  const serverNow = () => (clock.at === undefined ? Date.now() : clock.at * 1000 + (Date.now() - started));
  const inherited = { ...process.env };
  delete inherited.KAPKA_TEST_CLOCK; /* replaced by clock.env when a clock is set */
  // Tests register many accounts from 127.0.0.1, many at once: the registration throttle
  // and the hashing bound are raised unless a test sets them (tests/e2e/abuse.test.mjs).
  const baseEnv = { ...inherited, KAPKA_REGISTER_PER_ADDRESS: '1000000', KAPKA_REGISTER_PER_MINUTE: '1000000',
    KAPKA_PASSWORD_HASH_CONCURRENCY: '64',
    KAPKA_ADMIN_PASSWORD: ADMIN_PASSWORD, KAPKA_DB: db.url,
    KAPKA_KEY_PASSPHRASE_FILE: join(dir, 'key.secret'),
    KAPKA_WEB_DIR: join(ROOT, 'web'), ...clock.env, ...env };
  const envNow = () => (clock.at === undefined ? baseEnv
    : { ...baseEnv, KAPKA_TEST_CLOCK: String(Math.floor(serverNow() / 1000)) });
  const fullEnv = baseEnv;
  if (demo) {
    const r = await runKapka(['demo'], { env: envNow() });
    if (r.code !== 0) throw new Error('kapka demo failed: ' + r.stderr);
  }
  const cleanup = () => { db.drop(); rmSync(dir, { recursive: true, force: true }); };
  let run = launch(envNow(), args, 0);
  const port = await run.ready.catch((e) => { run.proc.kill('SIGKILL'); cleanup(); throw e; });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, dbUrl: db.url, kind, dir, env: fullEnv,
    get proc() { return run.proc; },
    // What the server's clock reads now, in epoch milliseconds (the wall clock if not set).
    now: serverNow,
    log: () => run.log(),
    async req(method, path, { body, token, headers = {}, raw } = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let payload = raw;
      if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
      const r = await fetch(url + path, { method, headers: h, body: payload });
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: r.status, json, text, headers: r.headers };
    },
    // Sign in and return the bearer token.
    async login(username, password) {
      const r = await this.req('POST', '/api/v1/session', { body: { username, password } });
      if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.json.token;
    },
    // Run a kapka subcommand against this server's database and settings.
    run(cmdArgs, opts = {}) {
      return runKapka(cmdArgs, { ...opts, env: { ...envNow(), ...(opts.env || {}) } });
    },
    // Stop the process but keep its database, to start it again on the same port.
    async pause() {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGTERM');
      return run.exited;
    },
    async resume() {
      run = launch(envNow(), args, port);
      await run.ready;
    },
    // A server started with `now`: restart it `seconds` later on its timeline (same database).
    async travel(seconds) {
      if (clock.at === undefined) throw new Error('travel needs a server started with now');
      await this.pause();
      clock.at += seconds;
      await this.resume();
    },
    async stop() {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGTERM');
      const code = await run.exited;
      cleanup();
      return code;
    },
  };
}
