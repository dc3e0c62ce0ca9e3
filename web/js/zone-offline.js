// zone-offline.js: check a border-zone permit's QR on the device when the server cannot be
// reached (a military post in the mountains), with the public keys offline-verify.js keeps:
// the signature (ES256, WebCrypto), that it is a border-zone permit, its dates, the post's
// zone and the passport in hand. Revocation needs the server (or the trust list); checks
// made offline are kept and sent to be recorded once the network is back.
import { cachedKeys } from './offline-verify.js';

const PENDING = 'kapka_zone_checks_pending';

function b64urlBytes(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
const b64urlJson = (s) => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64urlBytes(s)));

function dayNumber(dmy) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy || '');
  return m ? Math.floor(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])) / 86400000) : null;
}

// The passport number and surname as the server normalises them.
export const normPassport = (s) => String(s || '').replace(/\s+/g, '').toUpperCase();
export const normName = (s) => String(s || '').trim().replace(/\s+/g, ' ').toUpperCase();

// {valid, reasons: [{code}], claims|null, offline: true}
export async function verifyZoneOffline(qr, { passport, surname, zone }) {
  const keys = cachedKeys();
  const reasons = [];
  const out = (claims = null) => ({ valid: reasons.length === 0, reasons, claims, offline: true });
  if (!keys) return reasons.push({ code: 'NO_KEYS' }), out();
  const parts = qr.trim().split('.');
  if (parts.length !== 3) return reasons.push({ code: 'MALFORMED' }), out();
  let header, claims, sig;
  try { header = b64urlJson(parts[0]); claims = b64urlJson(parts[1]); sig = b64urlBytes(parts[2]); } catch { return reasons.push({ code: 'MALFORMED' }), out(); }
  if (claims?.k !== 'bz' || header?.typ !== 'kapka-bz') return reasons.push({ code: 'NOT_A_ZONE_PERMIT' }), out();
  const issuer = String(claims.id || '').slice(0, 2);
  const jwk = (keys.authorities?.[issuer] || []).find((k) => k.kid === header.kid);
  if (header.alg !== 'ES256' || !jwk) return reasons.push({ code: 'UNKNOWN_KEY' }), out();
  if (jwk.revoked) return reasons.push({ code: 'KEY_REVOKED' }), out();
  let ok = false;
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    ok = sig.length === 64 && await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  } catch { ok = false; }
  if (!ok) return reasons.push({ code: 'BAD_SIGNATURE' }), out();
  const today = Math.floor((Date.now() + 6 * 3600 * 1000) / 86400000);
  const vf = dayNumber(claims.vf);
  const vu = dayNumber(claims.vu);
  if (vf === null || vu === null) reasons.push({ code: 'MALFORMED' });
  else {
    if (today < vf) reasons.push({ code: 'NOT_YET_VALID' });
    if (today > vu) reasons.push({ code: 'EXPIRED' });
  }
  if (!Array.isArray(claims.z) || !claims.z.includes(Number(zone))) reasons.push({ code: 'ZONE_NOT_COVERED' });
  if (claims.pp !== normPassport(passport)) reasons.push({ code: 'PASSPORT_MISMATCH' });
  const sn = normName(surname);
  if (sn && !String(claims.nm || '').startsWith(`${sn} `)) reasons.push({ code: 'NAME_MISMATCH' });
  return out(claims);
}

export function keepPending(body) {
  try {
    const list = JSON.parse(localStorage.getItem(PENDING) || '[]');
    list.push(body);
    localStorage.setItem(PENDING, JSON.stringify(list.slice(-200)));
  } catch { /* not kept */ }
}

// Send the checks made offline; returns how many were recorded.
export async function flushPending(api) {
  let list;
  try { list = JSON.parse(localStorage.getItem(PENDING) || '[]'); } catch { list = []; }
  let sent = 0;
  while (list.length) {
    try { await api.post('/api/v1/zone-permit-checks', list[0]); } catch (err) { if (err?.status === 0) break; }
    list.shift();
    sent++;
    try { localStorage.setItem(PENDING, JSON.stringify(list)); } catch { /* ignore */ }
  }
  return sent;
}
