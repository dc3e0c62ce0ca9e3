// tls.test.mjs: native HTTPS (libmicrohttpd with GnuTLS) when tls_cert and tls_key are set:
// a client that checks the certificate gets the API over TLS 1.2 or newer, plain HTTP on
// the port gets nothing, and a missing or mismatched key stops the start with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from '../lib/kapka.mjs';
import { assertNoSanitizerReport, backend } from './lib.mjs';

// Independent of the database: run in the SQLite stage only.
const ONCE = { skip: backend() === 'pg' && 'checked in the SQLite run' };

function certificate(dir, name) {
  const cert = join(dir, `${name}.crt`), key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=kapka.test', '-addext', 'subjectAltName=DNS:kapka.test,IP:127.0.0.1', '-keyout', key, '-out', cert],
  { stdio: 'pipe' });
  return { cert, key };
}

function serve(dir, env) {
  const proc = spawn(resolve(ROOT, process.env.KAPKA_BIN || 'bin/kapka'), ['serve', '--listen', '127.0.0.1', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, KAPKA_DB: join(dir, 'kapka.db'), KAPKA_KEY_PASSPHRASE_FILE: join(dir, 'key.secret'),
      KAPKA_ADMIN_PASSWORD: 'tls-admin-password-1', KAPKA_WEB_DIR: join(ROOT, 'web'), ...env },
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  const ready = new Promise((res, rej) => {
    const check = () => {
      const m = /serving (https?):\/\/[^:]+:(\d+)\//.exec(log);
      if (m) res({ scheme: m[1], port: Number(m[2]) });
    };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    exited.then((code) => rej(Object.assign(new Error(`kapka exited ${code}:\n${log}`), { code, log })));
  });
  return { proc, ready, exited, log: () => log };
}

function get(port, path, ca) {
  return new Promise((res, rej) => {
    const r = https.request({ host: '127.0.0.1', port, path, ca, servername: 'kapka.test' }, (resp) => {
      let body = '';
      const protocol = resp.socket.getProtocol();
      resp.on('data', (d) => (body += d));
      resp.on('end', () => res({ status: resp.statusCode, body, protocol }));
    });
    r.on('error', rej);
    r.end();
  });
}

test('with a certificate kapka serves HTTPS, checked against that certificate', ONCE, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-tls-'));
  const k = serve(dir, { KAPKA_TLS_CERT: certificate(dir, 'a').cert, KAPKA_TLS_KEY: join(dir, 'a.key') });
  try {
    const { scheme, port } = await k.ready;
    assert.equal(scheme, 'https');
    const ca = readFileSync(join(dir, 'a.crt'));
    const r = await get(port, '/healthz', ca);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
    assert.match(r.protocol, /^TLSv1\.[23]$/);
    // Another certificate (a client that trusts only it) is refused: the server's is checked.
    const other = certificate(dir, 'b');
    await assert.rejects(get(port, '/healthz', readFileSync(other.cert)), /self[- ]signed|certificate/i);
    // Plain HTTP on the TLS port gets no answer.
    const plain = await fetch(`http://127.0.0.1:${port}/healthz`).then((x) => x.status, () => 'refused');
    assert.equal(plain, 'refused');
  } finally {
    k.proc.kill('SIGTERM');
    const code = await k.exited;
    assertNoSanitizerReport(k.log());
    assert.equal(code, 0, k.log());
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a certificate without its key, an unreadable file or a key of another certificate stops the start', ONCE, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-tls-'));
  try {
    const a = certificate(dir, 'a'), b = certificate(dir, 'b');
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database file, whatever its name says\n'.repeat(100));
    const cases = [
      [{ KAPKA_TLS_CERT: a.cert }, /needs both tls_cert and tls_key/],
      [{ KAPKA_TLS_CERT: a.cert, KAPKA_TLS_KEY: join(dir, 'missing.key') }, /tls_key: cannot read/],
      [{ KAPKA_TLS_CERT: join(ROOT, 'README.md'), KAPKA_TLS_KEY: a.key }, /tls_cert: .* is not a PEM file/],
      [{ KAPKA_TLS_CERT: a.cert, KAPKA_TLS_KEY: b.key }, /cannot serve HTTPS/],
      // Good PEM files read, then a later step fails: the sanitizer build shows nothing leaks.
      [{ KAPKA_TLS_CERT: a.cert, KAPKA_TLS_KEY: a.key, KAPKA_DB: junk }, /not a database/],
      [{ KAPKA_TLS_CERT: a.cert, KAPKA_TLS_KEY: a.key, KAPKA_LOG_WITNESSES: 'not-a-witness' }, /witness/i],
    ];
    for (const [env, why] of cases) {
      const k = serve(dir, env);
      const e = await k.ready.then(() => { k.proc.kill('SIGKILL'); return null; }, (x) => x);
      assert.ok(e, `kapka started with ${JSON.stringify(env)}`);
      assert.notEqual(e.code, 0);
      assert.match(e.log, why);
      assertNoSanitizerReport(e.log);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
