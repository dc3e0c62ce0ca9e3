// transparency_upgrade.test.mjs: a database from a version whose log did not yet carry the
// keys and quotas partners send over the e-permit exchange. `kapka log verify` reports them
// missing; after the upgrade (migration 125, run by two instances starting together) they
// are in the log once, as leaves marked backfilled_at with their own times, nothing earlier
// changed: Go's golang.org/x/mod/sumdb/tlog accepts the new tree as an extension of the
// checkpoint signed before the upgrade, and `kapka log verify` finds nothing missing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKapka, stopClean, backend } from './lib.mjs';
import { ROOT_DIR } from './transparency_helpers.mjs';
import { parseVkey, readLog, verifyConsistency } from './tlog_verifier.mjs';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'kapka-tlog-upgrade-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function sql(k, statement) {
  return backend() === 'pg'
    ? execFileSync('psql', [k.dbUrl, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', [k.dbUrl, statement], { encoding: 'utf8' }).trim();
}

async function signedAtLeast(k, size) {
  for (let i = 0; i < 400; i++) {
    const r = await k.req('GET', '/api/v1/transparency');
    if (r.status === 200 && r.json.size >= size) return r.json;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.fail(`no checkpoint of ${size} leaves was signed`);
}

test('an upgrade appends the partner keys and quotas the old log lacked, once, and the old checkpoint stays a prefix',
  { timeout: 120000 }, async () => {
    const goBinary = join(tmp, 'tlogverify');
    await run('go', ['build', '-o', goBinary, '.'], {
      cwd: join(ROOT_DIR, 'tests/go/tlogverify'),
      env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOPROXY: 'off',
        GOCACHE: join(tmp, 'gocache') },
    });
    const k = await startKapka();
    let ok = false;
    try {
      const info = await signedAtLeast(k, 1);
      const key = parseVkey(info.vkey);
      const old = await readLog(k.url, key);
      await k.pause();

      // What the exchange stored before the log carried it: UZ's keys (one revoked) and the
      // quota UZ granted us, with no leaves.
      sql(k, "INSERT INTO authority_keys (kid, authority, jwk, created_at, revoked_at) VALUES"
        + " ('uz-old', 'UZ', '{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}', 1700000000, 1710000000),"
        + " ('uz-new', 'UZ', '{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"c\",\"y\":\"d\"}', 1710000000, NULL)");
      sql(k, 'INSERT INTO quotas (id, issuer, verifier, year, type, start_number, end_number, next_serial, created_at)'
        + " VALUES (90001, 'KG', 'UZ', 2026, 1, 1, 500, 1, 1705000000)");
      const before = await k.run(['log', 'verify']);
      assert.equal(before.code, 1, before.stdout + before.stderr);
      assert.match(before.stdout, /key uz-old of UZ has no key\.add leaf/);
      assert.match(before.stdout, /key uz-new of UZ has no key\.add leaf/);
      assert.match(before.stdout, /quota 90001 \(KG for UZ, 2026\) has no quota\.create leaf/);
      // ... on a database that had not yet applied migration 125
      sql(k, 'DROP TABLE tlog_backfills');
      sql(k, 'DELETE FROM schema_migrations WHERE version = 125');

      // Two instances upgrade at once (the server's start runs the same migration step).
      const [m1, m2] = await Promise.all([k.run(['migrate']), k.run(['migrate'])]);
      assert.equal(m1.code, 0, m1.stderr);
      assert.equal(m2.code, 0, m2.stderr);
      assert.equal(sql(k, 'SELECT first_idx || \',\' || leaves FROM tlog_backfills'), `${old.size},4`);
      await k.resume();
      const info2 = await signedAtLeast(k, old.size + 4);
      assert.equal(info2.size, old.size + 4, 'the backfill appended more than the four missing acts');
      const now = await readLog(k.url, key);

      // the old leaves are byte for byte the same; the new ones are the late acts, oldest first
      for (let i = 0; i < old.size; i++) assert.ok(now.entries[i].equals(old.entries[i]), `leaf ${i} changed`);
      const late = now.entries.slice(old.size).map((e) => JSON.parse(e.toString('utf8')));
      assert.deepEqual(late.map((l) => [l.kind, l.object, l.at]), [
        ['key.add', 'uz-old', 1700000000], ['quota.create', 'quota/90001', 1705000000],
        ['key.add', 'uz-new', 1710000000], ['key.revoke', 'uz-old', 1710000000]]);
      for (const l of late) {
        assert.ok(l.backfilled_at > 1710000000, JSON.stringify(l));
        if (l.kind.startsWith('key.')) assert.equal(l.partner, 'UZ');
      }
      assert.deepEqual(late[1].facts, { issuer: 'KG', verifier: 'UZ', year: 2026, type: 1, start_number: 1, end_number: 500 });
      for (const e of old.entries) assert.ok(!e.toString('utf8').includes('backfilled_at'));

      // the checkpoint from before the upgrade is a prefix of the new tree: kapka's proof,
      // checked here and by Go's sumdb/tlog (with the tiles), and nothing else changed
      const cr = await k.req('GET', `/api/v1/transparency/proofs/consistency?from=${old.size}&to=${now.size}`);
      assert.equal(cr.status, 200, cr.text);
      assert.ok(verifyConsistency(old.size, old.root, now.size, now.root, cr.json.proof.map((h) => Buffer.from(h, 'base64'))));
      const go = await run(goBinary, [k.url, info.vkey, String(old.size), old.root.toString('base64')])
        .catch((e) => assert.fail(`Go's verifier refused the upgraded log: ${e.stdout}${e.stderr}`));
      assert.match(go.stdout, /^OK /);

      const ver = await k.run(['log', 'verify', '--tiles', k.url]);
      assert.equal(ver.code, 0, ver.stdout + ver.stderr);
      assert.doesNotMatch(ver.stdout, /PROBLEM/);
      assert.match(ver.stdout, /match the database/);
      assert.match(ver.stdout, new RegExp(`^4 leaves \\(${old.size} to ${old.size + 3}\\) record older acts appended late`, 'm'));
      // a later start appends nothing more
      await k.pause();
      await k.resume();
      assert.equal(sql(k, 'SELECT size FROM tlog_state'), String(now.size));
      ok = true;
    } finally {
      if (ok) await stopClean(k); else await k.stop().catch(() => {});
    }
  });
