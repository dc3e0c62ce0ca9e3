// kapka.mjs: start the real kapka binary on a free loopback port with a fresh database,
// and talk HTTP to it. Used by tests/e2e and tests/browser.
//
//   const k = await startKapka();            // backend from KAPKA_E2E_BACKEND (sqlite|pg)
//   const r = await k.req('POST', '/api/v1/session', { body: {...} });
//   r.status, r.json, r.headers
//   await k.stop();                          // SIGTERM; resolves with the exit code
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
    const p = spawn(binPath(), args, { env: { ...process.env, ...env }, cwd: ROOT });
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

export async function startKapka({ kind = backend(), env = {}, args = [], demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-test-'));
  const db = freshDatabase(kind, dir);
  const fullEnv = { ...process.env, KAPKA_ADMIN_PASSWORD: ADMIN_PASSWORD, KAPKA_DB: db.url,
    KAPKA_KEY_PASSPHRASE_FILE: join(dir, 'key.secret'),
    KAPKA_WEB_DIR: join(ROOT, 'web'), ...env };
  if (demo) {
    const r = await runKapka(['demo'], { env: fullEnv });
    if (r.code !== 0) throw new Error('kapka demo failed: ' + r.stderr);
  }
  const cleanup = () => { db.drop(); rmSync(dir, { recursive: true, force: true }); };
  let run = launch(fullEnv, args, 0);
  const port = await run.ready.catch((e) => { run.proc.kill('SIGKILL'); cleanup(); throw e; });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, dbUrl: db.url, kind, dir, env: fullEnv,
    get proc() { return run.proc; },
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
      return runKapka(cmdArgs, { ...opts, env: { ...fullEnv, ...(opts.env || {}) } });
    },
    // Stop the process but keep its database, to start it again on the same port.
    async pause() {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGTERM');
      return run.exited;
    },
    async resume() {
      run = launch(fullEnv, args, port);
      await run.ready;
    },
    async stop() {
      if (run.proc.exitCode === null && run.proc.signalCode === null) run.proc.kill('SIGTERM');
      const code = await run.exited;
      cleanup();
      return code;
    },
  };
}
