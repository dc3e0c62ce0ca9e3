// zone-offline.js: check a border-zone permit's QR on the device when the server cannot be
// reached (a military post in the mountains), with the public keys offline-verify.js keeps:
// the signature (ES256, WebCrypto), that it is a border-zone permit, its dates, the post's
// zone and the passport in hand. Revocation needs the server (or the trust list); checks
// made offline are kept and sent to be recorded once the network is back.
import { cachedKeys, b64urlJson, dayNumber, dayOf, signatureProblem } from './offline-verify.js';

const PENDING = 'kapka_zone_checks_pending';

// The passport number and surname as the server normalises them.
export const normPassport = (s) => String(s || '').replace(/\s+/g, '').toUpperCase();
export const normName = (s) => String(s || '').trim().replace(/\s+/g, ' ').toUpperCase();

// Our permit's serial in "KG-BZ-42" (kp_number_parse in src/domain/number.c), or 0.
function permitNumber(self, id) {
  const head = `${self}-BZ-`;
  if (!self || id.length >= 48 || !id.startsWith(head)) return 0;
  const n = id.slice(head.length);
  return /^[0-9]{1,19}$/.test(n) && BigInt(n) >= 1n && BigInt(n) <= 9223372036854775807n ? Number(n) : 0;
}

// The checks, in the order kp_verdict_zone (src/domain/verdict.c) runs them, with its codes
// (the shared cases in tests/verdict/zone-cases.json hold both to it): the payload, the kind,
// the claims, our number, the signature and its header, then the dates, the post's zone and
// the person in hand. What only the server's record tells (revoked, unpaid, extended, never
// issued) is not checked here. keys: the cached keys ({self, authorities}); now: ms since
// the epoch. {valid, reasons: [{code}], claims|null, offline: true}
export async function verifyZoneOffline(qr, { passport, surname, zone }, keys = cachedKeys(), now = Date.now()) {
  const reasons = [];
  const out = (claims = null) => ({ valid: reasons.length === 0, reasons, claims, offline: true });
  const refuse = (code) => (reasons.push({ code }), out());
  if (!keys) return refuse('NO_KEYS');
  const parts = String(qr).trim().split('.');
  if (parts.length !== 3 && parts.length !== 4) return refuse('MALFORMED');
  const [h64, p64, s64] = parts.slice(-3);
  let claims;
  try { claims = b64urlJson(p64); } catch { return refuse('MALFORMED'); }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return refuse('MALFORMED');
  if (claims.k !== 'bz') return refuse('NOT_A_ZONE_PERMIT');
  if (!['id', 'nm', 'pp', 'nt', 'vf', 'vu'].every((k) => typeof claims[k] === 'string') || !Array.isArray(claims.z)) {
    return refuse('MALFORMED');
  }
  if (!permitNumber(keys.self, claims.id)) return refuse('UNKNOWN_ISSUER'); // issued by this authority only
  const why = await signatureProblem(parts, h64, p64, s64, keys.authorities?.[keys.self] || []);
  if (why) return refuse(why);
  if (b64urlJson(h64).typ !== 'kapka-bz') return refuse('NOT_A_ZONE_PERMIT');
  const today = dayOf(now);
  const vf = dayNumber(claims.vf);
  const vu = dayNumber(claims.vu);
  if (vf === null || vu === null) reasons.push({ code: 'MALFORMED' });
  else {
    if (today < vf) reasons.push({ code: 'NOT_YET_VALID' });
    if (today > vu) reasons.push({ code: 'EXPIRED' });
  }
  if (!claims.z.some((z) => Number.isInteger(z) && z === Number(zone))) reasons.push({ code: 'ZONE_NOT_COVERED' });
  if (claims.pp !== normPassport(passport)) reasons.push({ code: 'PASSPORT_MISMATCH' });
  const sn = normName(surname);
  if (sn && !claims.nm.startsWith(`${sn} `)) reasons.push({ code: 'NAME_MISMATCH' });
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
