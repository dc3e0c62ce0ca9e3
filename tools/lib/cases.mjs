// cases.mjs: what tools/verdict-cases.mjs and tools/zone-cases.mjs share when they write the
// tables of credentials every checker is held to: base64url, fresh P-256 authority keys, an
// ES256 JWS maker (with the ways a case spoils one), Bishkek times and the JSON output.
import { generateKeyPairSync, sign } from 'node:crypto';

export const b64 = (buf) => Buffer.from(buf).toString('base64url');
export const enc = (obj) => b64(JSON.stringify(obj));

// A fresh ES256 key: the private key to sign with and the public JWK an authority publishes.
export function keypair(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty, crv, x, y, kid, alg: 'ES256' } };
}

// The keys both tables use: ours (KG-1), our revoked one (KG-0), a partner's (UZ-1) and a
// key nobody published (KG-9); `published` is the authorities' key lists as a checker has them.
export function authorityKeys() {
  const kg = keypair('KG-1'), kgOld = keypair('KG-0'), uz = keypair('UZ-1'), stranger = keypair('KG-9');
  return { kg, kgOld, uz, stranger, published: { KG: [kg.jwk, { ...kgOld.jwk, revoked: true }], UZ: [uz.jwk] } };
}

// A JWS maker signing with defaultKey; its header is { alg: 'ES256', kid, typ? } unless a case
// gives one. A case can also put a QR version in front, change the claims after signing
// (tamper) or give its own signature (sig).
export function jwsMaker(defaultKey, typ) {
  return (claims, { key = defaultKey, header = { alg: 'ES256', kid: key.jwk.kid, ...(typ ? { typ } : {}) }, version, tamper,
    sig } = {}) => {
    const input = `${enc(header)}.${enc(claims)}`;
    const s = sig ?? b64(sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
    const text = tamper ? `${enc(header)}.${enc(tamper)}.${s}` : `${input}.${s}`;
    return version === undefined ? text : `${version}.${text}`;
  };
}

// Seconds since the epoch of a local time in Bishkek (UTC+6), e.g. '2026-12-31T23:59:59'.
export const bishkek = (local) => Date.parse(`${local}+06:00`) / 1000;

// 31 December 2026, 23:59:59 in Bishkek: the moment both tables are checked at by default.
export const NEW_YEAR_EVE = bishkek('2026-12-31T23:59:59');

// Print a table the way the committed files are written: what it is, then the moment and the
// border's UTC offset its cases are checked at unless a case says otherwise, then the rest.
export function printTable(about, rest) {
  process.stdout.write(JSON.stringify({ about, now: NEW_YEAR_EVE, utc_offset_minutes: 360, ...rest }, null, 1) + '\n');
}
