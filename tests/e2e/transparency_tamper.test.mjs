// transparency_tamper.test.mjs: whoever can write to kapka's database cannot change the
// record unseen: `kapka log verify` catches an edited leaf, a deleted leaf, a permit edited
// or deleted behind the log's back; `kapka log monitor` (reading the public tiles alone)
// catches a log served with other entries than it signed, and a fork made by restoring an
// old database (both when the forked log is shorter and when it has grown past the old one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, stopClean, carrierWithFleet, issue, backend, demoTokens, intoTheNewYear } from './transparency_helpers.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'kapka-tamper-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// Run SQL straight on the server's database, as an insider with database access would.
function sql(k, text) {
  if (k.kind === 'sqlite') return execFileSync('sqlite3', [k.dbUrl, text], { encoding: 'utf8' }).trim();
  return execFileSync('psql', ['-qAt', '-v', 'ON_ERROR_STOP=1', k.dbUrl, '-c', text], { encoding: 'utf8' }).trim();
}

async function signedAtLeast(k, size) {
  for (let i = 0; i < 200; i++) {
    const r = await k.req('GET', '/api/v1/transparency');
    if (r.status === 200 && r.json.size >= size) return r.json;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.fail(`no checkpoint of ${size} leaves was signed`);
}

async function issueSome(k, n) {
  const c = await carrierWithFleet(k, n);
  const out = [];
  for (const v of c.vehicles) out.push(await issue(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: v.id }));
  return out;
}

async function verify(k) {
  const r = await k.run(['log', 'verify']);
  return { code: r.code, out: r.stdout + r.stderr };
}

test('kapka log verify catches edited and deleted leaves and permits; monitor catches edited entries', async () => {
  const k = await startKapka({ demo: true });
  try {
    await intoTheNewYear(k, await demoTokens(k)); // nothing, unless in a year's last seconds
    const permits = await issueSome(k, 3);
    const size = Number(sql(k, 'SELECT size FROM tlog_state'));
    await signedAtLeast(k, size);
    let v = await verify(k);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /OK\n$/);
    const mon = await k.run(['log', 'monitor', k.url, '--state', join(tmp, 'edit.state'), '--once']);
    assert.equal(mon.code, 0, mon.stdout + mon.stderr);

    // 1. a leaf edited (its serial changed): its bytes no longer match its hash
    const idx = sql(k, `SELECT idx FROM tlog_leaves WHERE kind = 'permit.issue' AND object = '${permits[0].id}'`);
    const entry = sql(k, `SELECT entry FROM tlog_leaves WHERE idx = ${idx}`);
    const edited = entry.replace(`"serial":${permits[0].serial}`, `"serial":${permits[0].serial + 1000}`);
    assert.notEqual(edited, entry);
    sql(k, `UPDATE tlog_leaves SET entry = '${edited}' WHERE idx = ${idx}`);
    v = await verify(k);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, new RegExp(`leaf ${idx}: its bytes do not hash to its recorded hash: it was edited`));
    // the public entry bundle now differs from the signed tree: the monitor sees it
    const mon2 = await k.run(['log', 'monitor', k.url, '--state', join(tmp, 'edit.state'), '--once']);
    assert.equal(mon2.code, 1, mon2.stdout + mon2.stderr);
    assert.match(mon2.stdout, /ALARM: .*does not hold the hashes of its entries/);
    // put back, the log verifies again (the check is about the edit, not the test's setup)
    sql(k, `UPDATE tlog_leaves SET entry = '${entry}' WHERE idx = ${idx}`);
    assert.equal((await verify(k)).code, 0);

    // 2. a permit's plate edited behind the log's back
    sql(k, `UPDATE permits SET plate = '01XX999ZZZ' WHERE id = '${permits[1].id}'`);
    v = await verify(k);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, new RegExp(`permit ${permits[1].id}: its plate or company is not what leaf \\d+ committed to`));

    // 3. a permit deleted
    sql(k, `DELETE FROM permits WHERE id = '${permits[2].id}'`);
    v = await verify(k);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, new RegExp(`records permit ${permits[2].id}, which the database no longer has \\(deleted\\)`));

    // 4. the newest leaf deleted
    sql(k, `DELETE FROM tlog_leaves WHERE idx = ${size - 1}`);
    v = await verify(k);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, /leaves were deleted/);
  } finally {
    await stopClean(k);
  }
});

test('kapka log monitor catches a fork made by restoring an old database', { skip: backend() !== 'sqlite' &&
  'restoring a database file is the SQLite form of this attack; the PostgreSQL run covers the other tamper tests' },
async () => {
  const k = await startKapka({ demo: true });
  try {
    await intoTheNewYear(k, await demoTokens(k)); // nothing, unless in a year's last seconds
    const state = join(tmp, 'fork.state');
    await issueSome(k, 1);
    let size = Number(sql(k, 'SELECT size FROM tlog_state'));
    await signedAtLeast(k, size);
    // the insider keeps a copy of the database as it is now
    await k.pause();
    const files = ['', '-wal', '-shm'].filter((s) => existsSync(k.dbUrl + s));
    for (const s of files) copyFileSync(k.dbUrl + s, join(tmp, 'old.db' + s));
    await k.resume();
    // more permits are issued and published; a monitor records what it saw
    await issueSome(k, 3);
    size = Number(sql(k, 'SELECT size FROM tlog_state'));
    await signedAtLeast(k, size);
    let m = await k.run(['log', 'monitor', k.url, '--state', state, '--once']);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.match(m.stdout, new RegExp(`OK .*: ${size} leaves`));
    // the old database is put back (erasing those permits) and one other permit is issued
    await k.pause();
    for (const s of ['', '-wal', '-shm']) rmSync(k.dbUrl + s, { force: true });
    for (const s of files) copyFileSync(join(tmp, 'old.db' + s), k.dbUrl + s);
    await k.resume();
    await issueSome(k, 1);
    const forkSize = Number(sql(k, 'SELECT size FROM tlog_state'));
    await signedAtLeast(k, forkSize);
    assert.ok(forkSize < size);
    // the database alone is self-consistent: only an outside view catches the fork
    assert.equal((await verify(k)).code, 0);
    m = await k.run(['log', 'monitor', k.url, '--state', state, '--once']);
    assert.equal(m.code, 1, m.stdout + m.stderr);
    assert.match(m.stdout, /ALARM: the log shrank from \d+ to \d+ leaves: it was rolled back or forked/);
    // and when the forked log grows past the size the monitor saw, it is still caught
    await issueSome(k, size - forkSize + 1);
    await signedAtLeast(k, size + 1);
    m = await k.run(['log', 'monitor', k.url, '--state', state, '--once']);
    assert.equal(m.code, 1, m.stdout + m.stderr);
    assert.match(m.stdout, new RegExp(`ALARM: the log's first ${size} leaves are not the ones seen before`));
  } finally {
    await stopClean(k);
  }
});
