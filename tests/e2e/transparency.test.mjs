// transparency.test.mjs: the transparency log's "done when": kapka's checkpoints,
// inclusion proofs and consistency proofs are checked by Go's golang.org/x/mod/sumdb/note
// and sumdb/tlog (a small Go program in tests/go/, built offline against Debian's
// golang-golang-x-mod-dev) and by a second verifier written from the C2SP texts
// (tlog_verifier.mjs); a permit's offline proof checks without kapka; the log holds no
// plate or company, but the holder can open the commitment; bad requests are 4xx.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { usePermitServer, carrierWithFleet, issue, normPlate, assertError, ROOT_DIR, getBytes, pdfText, pdfPages, scanQr } from './transparency_helpers.mjs';
import { parseVkey, readLog, verifyInclusion, verifyConsistency, checkProof, leafHash, parseNote } from './tlog_verifier.mjs';

const run = promisify(execFile);
const srv = usePermitServer();
const tmp = mkdtempSync(join(tmpdir(), 'kapka-tlog-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// Wait (bounded) until the log has signed a checkpoint of at least size leaves.
async function signedAtLeast(k, size) {
  for (let i = 0; i < 200; i++) {
    const r = await k.req('GET', '/api/v1/transparency');
    if (r.status === 200 && r.json.size >= size) return r.json;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.fail(`no checkpoint of ${size} leaves was signed`);
}

let goBinary;
before(async () => {
  // Go's own verifier, built offline from the Debian package's sources (no module proxy).
  goBinary = join(tmp, 'tlogverify');
  await run('go', ['build', '-o', goBinary, '.'], {
    cwd: join(ROOT_DIR, 'tests/go/tlogverify'),
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOPROXY: 'off',
      GOCACHE: join(tmp, 'gocache') },
  });
});

test('Go sumdb/note+tlog and a C2SP verifier in Node accept the log; a forged old root is refused', async () => {
  const { k, tok } = srv;
  const info0 = await signedAtLeast(k, 1);
  const key = parseVkey(info0.vkey);
  assert.equal(key.name, info0.origin);
  const first = await readLog(k.url, key);

  const c = await carrierWithFleet(k, 3);
  const permits = [];
  for (const v of c.vehicles) permits.push(await issue(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: v.id }));
  const rv = await k.req('POST', `/api/v1/permits/${permits[2].id}/revoke`, { token: tok.ministry, body: { reason: 'sold abroad' } });
  assert.equal(rv.status, 200, rv.text);
  await signedAtLeast(k, first.size + 4);
  // Other acts may be logged meanwhile (at midnight the day's EV-quota settling appends its
  // own leaves): wait until the signed log holds the three issues and the revocation, not
  // for a count of leaves.
  let log;
  for (let i = 0; ; i++) {
    log = await readLog(k.url, key);
    const got = log.entries.map((e) => JSON.parse(e.toString('utf8')));
    if (permits.every((p) => got.some((l) => l.kind === 'permit.issue' && l.object === p.id)) &&
      got.some((l) => l.kind === 'permit.revoke' && l.object === permits[2].id)) break;
    assert.ok(i < 400, 'the signed log never held the three issues and the revocation');
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.ok(log.size >= first.size + 4);

  // every permit has its issue leaf; no leaf carries a plate, a company or the reason text
  const all = Buffer.concat(log.entries).toString('utf8');
  for (const v of c.vehicles) assert.ok(!all.includes(normPlate(v.plate)), 'a plate is in the log');
  assert.ok(!all.includes(c.org.name), 'the company name is in the log');
  assert.ok(!all.includes('sold abroad'), 'the revocation reason is in the log');
  const leaves = log.entries.map((e) => JSON.parse(e.toString('utf8')));
  for (const p of permits) {
    const i = leaves.findIndex((l) => l.kind === 'permit.issue' && l.object === p.id);
    assert.ok(i >= 0, `no issue leaf for ${p.id}`);
    assert.equal(leaves[i].partner, 'UZ');
    assert.equal(leaves[i].facts.serial, p.serial);
    // the issue's own 201 answer named that leaf, so the carrier can keep its proof
    assert.equal(p.transparency.leaf_index, i);
    assert.equal(p.transparency.leaf_hash, log.hashes[i].toString('base64'));
    assert.equal(p.transparency.log_key, info0.vkey);
    const r = await k.req('GET', `/api/v1/transparency/proofs/inclusion?index=${i}&size=${log.size}`);
    assert.equal(r.status, 200, r.text);
    const proof = r.json.proof.map((h) => Buffer.from(h, 'base64'));
    assert.ok(verifyInclusion(log.hashes[i], i, log.size, proof, log.root));
    assert.ok(!verifyInclusion(log.hashes[i], (i + 1) % log.size, log.size, proof, log.root));
  }
  assert.ok(leaves.some((l) => l.kind === 'permit.revoke' && l.object === permits[2].id));

  // the older checkpoint is a prefix of the new one
  const cr = await k.req('GET', `/api/v1/transparency/proofs/consistency?from=${first.size}&to=${log.size}`);
  assert.equal(cr.status, 200, cr.text);
  const cproof = cr.json.proof.map((h) => Buffer.from(h, 'base64'));
  assert.ok(verifyConsistency(first.size, first.root, log.size, log.root, cproof));
  const forged = Buffer.from(first.root);
  forged[3] ^= 0x40;
  assert.ok(!verifyConsistency(first.size, forged, log.size, log.root, cproof));

  // the holder's offline proof: checked by Node, by `kapka log check` and by Go
  const anon = await k.req('GET', `/api/v1/transparency/permits/${permits[0].id}`);
  assert.equal(anon.status, 200, anon.text);
  assert.equal(anon.json.opening, undefined, 'the opening is shown to anyone');
  const mine = await k.req('GET', `/api/v1/transparency/permits/${permits[0].id}`, { token: c.token });
  assert.equal(mine.status, 200, mine.text);
  const { entry } = checkProof(mine.json.proof, key);
  assert.equal(entry.object, permits[0].id);
  const { salt, personal } = mine.json.opening;
  assert.equal(personal.plate, normPlate(c.vehicles[0].plate));
  const sorted = JSON.stringify(Object.fromEntries(Object.keys(personal).sort().map((x) => [x, personal[x]])));
  const commitment = createHash('sha256').update('kapka/tlog/commitment/v1\n').update(Buffer.from(salt, 'hex'))
    .update(sorted).digest('base64');
  assert.equal(commitment, entry.commitment, 'the opening does not open the commitment');
  const file = join(tmp, 'permit.tlog-proof');
  writeFileSync(file, mine.json.proof);
  const chk = await k.run(['log', 'check', file, '--key', info0.vkey]);
  assert.equal(chk.code, 0, chk.stdout + chk.stderr);
  assert.match(chk.stdout, /^VALID/);
  const tampered = join(tmp, 'tampered.tlog-proof');
  writeFileSync(tampered, mine.json.proof.replace(/^index (\d+)$/m, (_, n) => `index ${Number(n) + 1}`));
  const bad = await k.run(['log', 'check', tampered, '--key', info0.vkey]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /^INVALID/);

  const go = await run(goBinary, [k.url, info0.vkey, String(first.size), first.root.toString('base64'), file])
    .catch((e) => assert.fail(`Go's verifier refused the log: ${e.stdout}${e.stderr}`));
  assert.match(go.stdout, /^OK /);
  // and Go refuses a wrong older root
  const goBad = await run(goBinary, [k.url, info0.vkey, String(first.size), forged.toString('base64')]).then(
    () => null, (e) => e);
  assert.ok(goBad && goBad.code === 1, 'Go accepted a forged older root');

  // the permit's own answer and its PDF carry the leaf and the offline proof
  const pj = await k.req('GET', `/api/v1/permits/${permits[1].id}`, { token: c.token });
  assert.equal(pj.status, 200, pj.text);
  const tr = pj.json.transparency;
  assert.equal(checkProof(tr.proof, key).entry.object, permits[1].id);
  assert.equal(tr.log_key, info0.vkey);
  assert.equal(leaves[tr.leaf_index].object, permits[1].id);
  const pdf = await getBytes(k, `/api/v1/permits/${permits[1].id}/pdf`, c.token);
  assert.equal(pdf.status, 200);
  const words = pdfText(pdf.buf);
  assert.match(words, /Public log entry/);
  assert.ok(words.includes(`${tr.leaf_index} · ${info0.origin}`), words);
  const codes = pdfPages(pdf.buf).map((png) => { try { return scanQr(png); } catch { return ''; } }).join('\n');
  assert.ok(codes.includes('c2sp.org/tlog-proof@v1'), 'no readable offline-proof QR code on the PDF');

  // kapka's own monitor agrees, from the database and from the tiles
  const ver = await k.run(['log', 'verify', '--tiles', k.url]);
  assert.equal(ver.code, 0, ver.stdout + ver.stderr);
  assert.match(ver.stdout, /match the database/);
});

test('the tiles are cacheable and the checkpoint is short-lived; leaves never exceed the checkpoint', async () => {
  const { k } = srv;
  const info = await signedAtLeast(k, 1);
  const cp = await fetch(k.url + '/log/checkpoint');
  assert.equal(cp.status, 200);
  assert.match(cp.headers.get('content-type'), /^text\/plain/);
  assert.equal(cp.headers.get('cache-control'), 'public, max-age=5');
  const { sigs } = parseNote(Buffer.from(await cp.arrayBuffer()));
  assert.ok(sigs.some((s) => s.name === info.origin));
  const w = Math.min(info.size, 256);
  const suffix = `000${w < 256 ? `.p/${w}` : ''}`;
  const tile = await fetch(`${k.url}/log/tile/0/${suffix}`);
  assert.equal(tile.status, 200);
  assert.equal(tile.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await tile.arrayBuffer()).byteLength, w * 32);
  const leaf0 = await k.req('GET', '/api/v1/transparency/leaves/0');
  assert.equal(leaf0.status, 200, leaf0.text);
  assert.equal(leafHash(Buffer.from(leaf0.json.entry)).toString('hex'), leaf0.json.hash);
  // beyond the checkpoint, malformed paths and bad queries: clear 4xx JSON errors
  for (const p of [`/log/tile/0/${String(info.size + 300).padStart(3, '0')}`, '/log/tile/0/1', '/log/tile/0/000.p/0',
    '/log/tile/0/000.p/256', '/log/tile/64/000', '/log/tile/01/000', '/log/tile/0/x000', '/log/tile/entries/abc',
    `/api/v1/transparency/leaves/${info.size}`, '/api/v1/transparency/leaves/-1', '/api/v1/transparency/permits/XX-1']) {
    const r = await k.req('GET', p);
    assert.equal(r.status, 404, `${p}: ${r.status} ${r.text}`);
    assert.ok(r.json?.error?.code, `${p}: ${r.text}`);
  }
  assertError(await k.req('GET', '/api/v1/transparency/proofs/inclusion?index=abc'), 400);
  assertError(await k.req('GET', `/api/v1/transparency/proofs/inclusion?index=${info.size}`), 422, 'bad_index');
  assertError(await k.req('GET', `/api/v1/transparency/proofs/inclusion?index=0&size=${info.size + 1}`), 422, 'size_not_signed');
  assertError(await k.req('GET', '/api/v1/transparency/proofs/consistency?from=2&to=1'), 422);
  assertError(await k.req('GET', '/api/v1/transparency/proofs/consistency'), 400);
});
