// transparency_witness.test.mjs: kapka asks a witness to cosign each checkpoint (C2SP
// tlog-witness add-checkpoint) and publishes the cosignatures under /log/checkpoint. The
// witness here is written for the test from the C2SP texts (tlog-witness,
// tlog-cosignature): it checks the log's signature and a consistency proof from the last
// checkpoint it cosigned, answers 409 with its size when the log's idea of it is wrong,
// and cosigns with its own Ed25519 key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { startKapka, stopClean, carrierWithFleet, issue, demoTokens, intoTheNewYear } from './transparency_helpers.mjs';
import { parseVkey, parseNote, parseCheckpoint, verifyNote, verifyConsistency } from './tlog_verifier.mjs';

const NAME = 'witness.test/w1';

function startWitness() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(NAME + '\n'), Buffer.from([4]), pub])).digest().subarray(0, 4);
  const vkey = `${NAME}+${id.toString('hex')}+${Buffer.concat([Buffer.from([4]), pub]).toString('base64')}`;
  const w = { vkey, logKey: null, size: 0, root: null, seen: [] };
  w.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const answer = (status, text, type = 'text/plain') => { res.writeHead(status, { 'content-type': type }); res.end(text); };
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return answer(404, 'not found\n');
      if (!w.logKey) return answer(404, 'unknown log\n');
      const cut = body.indexOf('\n\n');
      const head = body.slice(0, cut).split('\n');
      const m = /^old (0|[1-9]\d*)$/.exec(head[0]);
      if (!m) return answer(400, 'bad old line\n');
      const old = Number(m[1]);
      const proof = head.slice(1).map((h) => Buffer.from(h, 'base64'));
      const note = Buffer.from(body.slice(cut + 2));
      let text;
      try { text = verifyNote(note, w.logKey); } catch { return answer(403, 'forged\n'); }
      if (!text) return answer(403, 'not signed by the log\n');
      const cp = parseCheckpoint(text);
      if (old > cp.size) return answer(400, 'old size beyond the checkpoint\n');
      if (old !== w.size) return answer(409, `${w.size}\n`, 'text/x.tlog.size');
      if (old === 0 ? proof.length !== 0 : !verifyConsistency(old, w.root, cp.size, cp.root, proof)) {
        return answer(422, 'inconsistent\n');
      }
      w.seen.push({ old, size: cp.size, proofLength: proof.length });
      w.size = cp.size;
      w.root = cp.root;
      const t = BigInt(Math.floor(Date.now() / 1000));
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(t);
      const sig = sign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${text}`), privateKey);
      answer(200, `\u2014 ${NAME} ${Buffer.concat([id, ts, sig]).toString('base64')}\n`);
    });
  });
  return new Promise((res) => w.server.listen(0, '127.0.0.1', () => { w.port = w.server.address().port; res(w); }));
}

async function cosignedAt(k, size) {
  for (let i = 0; i < 300; i++) {
    const r = await fetch(k.url + '/log/checkpoint');
    const text = r.status === 200 ? await r.text() : '';
    const { sigs } = text ? parseNote(Buffer.from(text)) : { sigs: [] };
    if (text && parseCheckpoint(text).size >= size && sigs.some((s) => s.name === NAME)) return Buffer.from(text);
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.fail(`no cosigned checkpoint of ${size} leaves`);
}

test('a witness cosigns each checkpoint after checking its consistency; the cosignatures are published', async () => {
  const w = await startWitness();
  const k = await startKapka({ demo: true, env: { KAPKA_LOG_WITNESSES: `${w.vkey}=http://127.0.0.1:${w.port}` } });
  try {
    await intoTheNewYear(k, await demoTokens(k)); // nothing, unless in a year's last seconds
    const info = (await k.req('GET', '/api/v1/transparency')).json;
    // the witness already cosigned the log at size 3 (kapka does not know it): kapka's
    // first request (old 0) gets 409 "3" and must prove consistency from there
    const cr = await k.req('GET', `/api/v1/transparency/proofs/consistency?from=3&to=${info.size}`);
    assert.equal(cr.status, 200, cr.text);
    w.size = 3;
    w.root = Buffer.from(cr.json.from_root, 'base64');
    w.logKey = parseVkey(info.vkey);
    const c = await carrierWithFleet(k, 2);
    await issue(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: c.vehicles[0].id });
    const first = parseCheckpoint(verifyNote(await cosignedAt(k, info.size + 1), w.logKey));
    const note1 = await cosignedAt(k, first.size);
    assert.ok(verifyNote(note1, parseVkey(w.vkey)), 'the published cosignature does not verify');
    await issue(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: c.vehicles[1].id });
    const note2 = await cosignedAt(k, first.size + 1);
    assert.ok(verifyNote(note2, parseVkey(w.vkey)));
    assert.ok(verifyNote(note2, w.logKey));
    assert.equal(w.seen[0].old, 3, `the 409 was not followed: ${JSON.stringify(w.seen)}`);
    assert.ok(w.seen.every((s) => s.proofLength > 0), `a consistency proof was missing: ${JSON.stringify(w.seen)}`);
    assert.ok(w.seen.length >= 2);
    // a changed cosignature does not verify
    const line = note2.toString().split('\n').find((l) => l.startsWith(`\u2014 ${NAME} `));
    const raw = Buffer.from(line.split(' ')[2], 'base64');
    raw[40] ^= 1;
    const bad = Buffer.from(note2.toString().replace(line, `\u2014 ${NAME} ${raw.toString('base64')}`));
    assert.throws(() => verifyNote(bad, parseVkey(w.vkey)), /forged/);
  } finally {
    await stopClean(k);
    w.server.close();
  }
});
