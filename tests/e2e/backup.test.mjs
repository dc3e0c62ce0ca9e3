// backup.test.mjs: `kapka backup` taken while writers keep writing, then `kapka restore`
// into a fresh database: the copy holds every write acknowledged before the backup began,
// no torn one, and restores to an identical database (SQLite: the same dump; both
// backends: a server on the restored database answers the same). Prints the restore and
// restart times docs/operations.md quotes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, stopClean, kapka, adminToken, ADMIN_PASSWORD } from './lib.mjs';
import { freshDatabase } from '../lib/kapka.mjs';

const WRITERS = 6;

// Every organisation, page after page.
async function orgNames(k, token) {
  const all = new Map();
  for (let offset = 0; offset !== undefined;) {
    const r = await k.req('GET', `/api/v1/organisations?limit=500&offset=${offset}`, { token });
    assert.equal(r.status, 200, r.text);
    for (const o of r.json.items) all.set(o.id, JSON.stringify(o));
    offset = r.json.next_offset;
  }
  return all;
}

const sqliteDump = (path) => execFileSync('sqlite3', [path, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });

test('a backup taken under load restores to an identical database', async () => {
  const k = await startKapka({ args: ['--threads', '4'] });
  const dir = mkdtempSync(join(tmpdir(), 'kapka-backup-'));
  let restored = null, fresh = null, stop = false, writers = [];
  try {
    const token = await adminToken(k);
    // Writers: each creates organisations one after another until told to stop.
    const acked = [];
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const name = `Backup Load ${n++}`;
        const r = await k.req('POST', '/api/v1/organisations', { token, body: { kind: 'border_service', name } });
        assert.equal(r.status, 201, r.text);
        acked.push({ id: r.json.id ?? r.json.organisation?.id, at: Date.now() });
      }
    };
    writers = Array.from({ length: WRITERS }, writer);
    while (acked.length < 30) await new Promise((r) => setTimeout(r, 20));

    const copy = join(dir, 'under-load.backup');
    const startedAt = Date.now();
    const ackedBefore = acked.filter((a) => a.at < startedAt).map((a) => a.id);
    const b = await kapka(['backup', copy], { env: k.env });
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backed up/);
    assert.equal(statSync(copy).mode & 0o777, 0o600, 'the copy is readable by its owner only');
    // A second backup never overwrites the first.
    const again = await kapka(['backup', copy], { env: k.env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists/);
    const moreAfter = acked.length + 20;
    while (acked.length < moreAfter) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(writers);
    const final = await orgNames(k, token);

    // Restore into a fresh database and serve it.
    fresh = freshDatabase(k.kind, dir);
    const t0 = Date.now();
    const r = await kapka(['restore', copy], { env: { ...k.env, KAPKA_DB: fresh.url } });
    assert.equal(r.code, 0, r.stderr);
    const restoreMs = Date.now() - t0;
    if (k.kind === 'sqlite') {
      assert.equal(sqliteDump(fresh.url), sqliteDump(copy), 'the restored database differs from the backup');
      // Restoring over an existing database needs --force.
      const refused = await kapka(['restore', copy], { env: { ...k.env, KAPKA_DB: fresh.url } });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /--force/);
    }
    const t1 = Date.now();
    restored = await startKapka({ env: { KAPKA_DB: fresh.url, KAPKA_KEY_PASSPHRASE_FILE: k.env.KAPKA_KEY_PASSPHRASE_FILE } });
    const restartMs = Date.now() - t1;
    const rtoken = await restored.login('admin', ADMIN_PASSWORD);
    const inCopy = await orgNames(restored, rtoken);

    // Nothing acknowledged before the backup began is missing; nothing in it is torn or
    // invented: each row is the one the live database holds.
    for (const id of ackedBefore) assert.ok(inCopy.has(id), `organisation ${id}, acknowledged before the backup, is not in it`);
    for (const [id, row] of inCopy) assert.equal(row, final.get(id), `organisation ${id} differs from the live one`);
    assert.ok(inCopy.size < final.size, 'the load went on after the backup');
    console.log(`# backup under load: ${inCopy.size} of ${final.size} organisations in the copy; ` +
      `restore ${restoreMs} ms, start on it ${restartMs} ms (${k.kind})`);
  } finally {
    stop = true;
    await Promise.allSettled(writers);
    if (restored) await stopClean(restored);
    await stopClean(k);
    fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restore refuses a file that is not a kapka backup, and backup a database that is not there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-backup-'));
  try {
    const junk = join(dir, 'junk');
    execFileSync('sh', ['-c', `head -c 4096 /dev/urandom > ${junk}`]);
    const db = join(dir, 'target.db');
    const r = await kapka(['restore', junk], { env: { KAPKA_DB: db } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /kapka restore: /);
    const b = await kapka(['backup', join(dir, 'x.backup')], { env: { KAPKA_DB: join(dir, 'missing.db') } });
    assert.equal(b.code, 1);
    assert.match(b.stderr, /kapka backup: /);
    assert.throws(() => statSync(join(dir, 'x.backup')));
    assert.throws(() => statSync(join(dir, 'x.backup.partial')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
