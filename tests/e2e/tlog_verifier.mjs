// tlog_verifier.mjs: a second, independent verifier of kapka's transparency log, written
// for the tests from the C2SP texts alone (signed-note, tlog-checkpoint, tlog-tiles,
// tlog-cosignature, tlog-proof) and RFC 9162's verification algorithms, with nothing from
// kapka's C code. Uses only node:crypto.
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
export const leafHash = (entry) => sha256(Buffer.from([0]), entry);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

// vkey: <name>+<hex id>+<base64(type || key)>
export function parseVkey(vkey) {
  // the base64 part may itself hold '+': split at the first two only
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey) || [];
  const [, name, idHex, b64 = ''] = m;
  const material = Buffer.from(b64, 'base64');
  if (!name || idHex?.length !== 8 || material.length !== 33) throw new Error(`bad vkey ${vkey}`);
  const type = material[0];
  const pub = material.subarray(1);
  const id = sha256(Buffer.from(name + '\n'), Buffer.from([type]), pub).subarray(0, 4);
  if (id.toString('hex') !== idHex) throw new Error('vkey id does not match its key');
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]); // SPKI of an Ed25519 key
  return { name, id, type, key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

// A signed note: text up to the last blank line, then "— name base64" lines.
export function parseNote(buf) {
  const s = Buffer.from(buf).toString('utf8');
  if (!s.endsWith('\n')) throw new Error('a note ends in a newline');
  const cut = s.lastIndexOf('\n\n');
  if (cut < 0) throw new Error('a note has a blank line before its signatures');
  const text = s.slice(0, cut + 1);
  const sigs = s.slice(cut + 2, -1).split('\n').map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`bad signature line ${JSON.stringify(line)}`);
    return { name: m[1], raw: Buffer.from(m[2], 'base64') };
  });
  return { text, sigs };
}

// True when note carries a valid Ed25519 signature (type 0x01) of k; throws on a forgery.
export function verifyNote(buf, k) {
  const { text, sigs } = parseNote(buf);
  let ok = false;
  for (const s of sigs) {
    if (s.name !== k.name || !s.raw.subarray(0, 4).equals(k.id)) continue;
    if (k.type === 1) {
      if (s.raw.length !== 68 || !edVerify(null, Buffer.from(text), k.key, s.raw.subarray(4))) throw new Error('forged signature');
    } else if (k.type === 4) {
      const t = s.raw.readBigUInt64BE(4);
      const msg = Buffer.from(`cosignature/v1\ntime ${t}\n${text}`);
      if (s.raw.length !== 76 || !edVerify(null, msg, k.key, s.raw.subarray(12))) throw new Error('forged cosignature');
    }
    ok = true;
  }
  return ok ? text : null;
}

export function parseCheckpoint(text) {
  const [origin, size, root] = text.split('\n');
  if (!/^(0|[1-9]\d*)$/.test(size)) throw new Error(`bad size ${size}`);
  const r = Buffer.from(root, 'base64');
  if (r.length !== 32) throw new Error('bad root');
  return { origin, size: Number(size), root: r };
}

// RFC 9162 2.1.3.2
export function verifyInclusion(leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = BigInt(index), sn = BigInt(size - 1), r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

// RFC 9162 2.1.4.2
export function verifyConsistency(m, rootM, n, rootN, proof) {
  if (m === n) return proof.length === 0 && rootM.equals(rootN);
  if (m === 0 || m > n) return false;
  let path = [...proof];
  if ((m & (m - 1)) === 0) path = [rootM, ...path];
  if (path.length === 0) return false;
  let fn = BigInt(m - 1), sn = BigInt(n - 1);
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && fr.equals(rootM) && sr.equals(rootN);
}

// MTH over leaf hashes (RFC 6962 2.1).
export function merkleRoot(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

// C2SP tile index: 1234067 → x001/x234/067
export function tileIndex(n) {
  let s = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
  return s;
}

// The whole log from its tiles alone: checkpoint verified, every entry bundle read and
// compared with the level-0 tiles, the root recomputed. Returns {origin, size, root, entries}.
export async function readLog(base, k) {
  const get = async (p) => {
    const r = await fetch(base + p);
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  };
  const text = verifyNote(await get('/log/checkpoint'), k);
  if (!text) throw new Error('the checkpoint is not signed by the log key');
  const cp = parseCheckpoint(text);
  if (cp.origin !== k.name) throw new Error('origin is not the key name');
  const entries = [], hashes = [];
  for (let n = 0; n * 256 < cp.size; n++) {
    const w = Math.min(256, cp.size - n * 256);
    const suffix = tileIndex(n) + (w < 256 ? `.p/${w}` : '');
    const bundle = await get(`/log/tile/entries/${suffix}`);
    const tile = await get(`/log/tile/0/${suffix}`);
    let o = 0;
    for (let i = 0; i < w; i++) {
      const len = bundle.readUInt16BE(o);
      const e = bundle.subarray(o + 2, o + 2 + len);
      o += 2 + len;
      const h = leafHash(e);
      if (!h.equals(tile.subarray(i * 32, i * 32 + 32))) throw new Error(`entry ${n * 256 + i} is not its tile's leaf`);
      entries.push(e);
      hashes.push(h);
    }
    if (o !== bundle.length) throw new Error('trailing bytes in a bundle');
  }
  if (!merkleRoot(hashes).equals(cp.root)) throw new Error('the entries do not hash to the checkpoint root');
  return { ...cp, entries, hashes };
}

// A c2sp.org/tlog-proof@v1 text checked offline against the log key: returns the entry.
export function checkProof(text, k) {
  const cut = text.indexOf('\n\n');
  const head = text.slice(0, cut).split('\n');
  if (head[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
  let i = 1, entry = null;
  if (head[i].startsWith('extra ')) entry = Buffer.from(head[i++].slice(6), 'base64');
  const index = Number(/^index (0|[1-9]\d*)$/.exec(head[i++])[1]);
  const proof = head.slice(i).map((h) => Buffer.from(h, 'base64'));
  const cpText = verifyNote(Buffer.from(text.slice(cut + 2)), k);
  if (!cpText) throw new Error('the proof\'s checkpoint is not signed by the log');
  const cp = parseCheckpoint(cpText);
  if (!verifyInclusion(leafHash(entry), index, cp.size, proof, cp.root)) throw new Error('not included');
  return { entry: JSON.parse(entry.toString('utf8')), index, size: cp.size };
}
