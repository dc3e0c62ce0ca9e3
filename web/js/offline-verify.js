// offline-verify.js: check a permit QR on this device when the server cannot be reached (a
// mountain post with a bad connection). While online, the verify page keeps the public keys
// of this authority and its partners (GET /api/v1/authorities/{code}) in localStorage; offline,
// the signature (ES256 over header.payload, WebCrypto), the verifying country and the expiry
// date are checked with them. What only the server knows (revoked, returned, used up) cannot
// be, and the page says so.

import { KG_OFFSET_MIN } from './i18n.js';

const STORE_KEY = 'kapka_keys';
const MAX_AGE_MS = 12 * 3600 * 1000;

function load() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
    return v && typeof v === 'object' && v.authorities ? v : null;
  } catch {
    return null;
  }
}

// The cached keys: {fetched_at, self, authorities: {CODE: [{kid, x, y, crv, kty, alg, revoked}]}}.
export function cachedKeys() {
  return load();
}

// Refresh the cache when it is missing or old; failures keep the old one.
export async function refreshKeys(api, { force = false } = {}) {
  const old = load();
  if (!force && old && Date.now() - Date.parse(old.fetched_at) < MAX_AGE_MS) return old;
  const list = await api.get('/api/v1/authorities');
  const self = list.items.find((a) => a.self)?.code ?? old?.self ?? null;
  const members = { ...(old?.members ?? {}) }; // organisations' permit systems (TRACECA)
  const entries = await Promise.all(list.items.map(async (a) => {
    try {
      const au = await api.get(`/api/v1/authorities/${encodeURIComponent(a.code)}`);
      if (au.members) members[a.code] = au.members.map(({ member, from, to }) => ({ member, from, to }));
      return [a.code, au.keys.map(({ kid, kty, crv, x, y, alg, revoked }) => ({ kid, kty, crv, x, y, alg, revoked }))];
    } catch {
      return [a.code, old?.authorities?.[a.code] ?? []];
    }
  }));
  const v = { fetched_at: new Date().toISOString(), self, authorities: Object.fromEntries(entries.filter(([, k]) => k.length)),
    members };
  try { localStorage.setItem(STORE_KEY, JSON.stringify(v)); } catch { /* full or private: not kept */ }
  return v;
}

function b64urlBytes(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function b64urlJson(s) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64urlBytes(s)));
}

// the reference's [A-Z]+ codes: countries and organisations such as TRACECA (up to 16 letters)
const ID_RE = /^([A-Z]{2,16})-([A-Z]{2,16})-(\d{4})-([1-7])-([1-9][0-9]{0,14})$/;

// dd/MM/yyyy → days since 1970 (UTC), or null.
export function dayNumber(dmy) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy || '');
  if (!m) return null;
  const t = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
  const d = new Date(t);
  // 31/02 would roll over into March: an impossible date is malformed, as on the server.
  if (Number.isNaN(t) || d.getUTCDate() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1) return null;
  return Math.floor(t / 86400000);
}

// The checks, in the order src/domain/verdict.c runs them (the same codes; the shared
// cases in tests/verdict/freight-cases.json hold both to it): the payload, the claims, the
// issuer, the signature, then the country and the expiry. What only the server knows
// (revoked, returned, used up) is not checked here.
// {valid, reasons: [{code}], claims|null, offline: true}; here: the verifying country;
// now: the time to check at (ms since the epoch); offsetMin: the checking border's UTC offset
// (its local date judges the dates: docs/e-permit.md).
export async function verifyOffline(qr, keys, here, now = Date.now(), offsetMin = KG_OFFSET_MIN) {
  const reasons = [];
  const out = (claims = null) => ({ valid: reasons.length === 0, reasons, claims, offline: true, checked_for: here });
  const refuse = (code) => (reasons.push({ code }), out());
  const parts = String(qr).trim().split('.');
  if (parts.length !== 3 && parts.length !== 4) return refuse('MALFORMED');
  const [h64, p64, s64] = parts.slice(-3);
  let claims;
  try {
    claims = b64urlJson(p64);
  } catch {
    return refuse('MALFORMED');
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return refuse('MALFORMED');
  const id = ID_RE.exec(typeof claims.id === 'string' ? claims.id : '');
  if (!id || !['iat', 'exp', 'pn', 'cn'].every((k) => typeof claims[k] === 'string')) return refuse('MALFORMED');
  const issuerKeys = keys?.authorities?.[id[1]];
  if (!issuerKeys) return refuse('UNKNOWN_ISSUER');
  const why = await signatureProblem(parts, h64, p64, s64, issuerKeys);
  if (why) return refuse(why);
  // "0.header.payload.signature": the demonstration form, never valid for real use.
  if (parts.length === 4 && Number(parts[0]) === 0) reasons.push({ code: 'DEMO_CREDENTIAL' });
  const today = dayOf(now, offsetMin);
  if (here && id[2] !== here && id[1] !== here && !isMember(keys?.members?.[id[2]], here, today)) {
    reasons.push({ code: 'NOT_FOR_THIS_COUNTRY' });
  }
  const exp = dayNumber(claims.exp);
  if (exp === null) reasons.push({ code: 'MALFORMED' });
  else if (exp < today) reasons.push({ code: 'EXPIRED' });
  // A permit for next year, issued in December, waits for 1 January.
  if (today < Date.UTC(Number(id[3]), 0, 1) / 86400000) reasons.push({ code: 'NOT_YET_VALID' });
  return out(claims);
}

// Today at the checking border as a day number (Kyrgyzstan, UTC+6, unless told otherwise).
export function dayOf(now, offsetMin = KG_OFFSET_MIN) {
  return Math.floor((now + offsetMin * 60000) / 86400000);
}

// Whether country takes part in an organisation's permit system on day (members: [{member,
// from, to}], from the organisation's authority record), as kp_trustlist_member decides.
function isMember(members, country, day) {
  const dayNo = (iso) => (iso ? Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86400000) : null);
  return (members || []).some((m) => m.member === country && dayNo(m.from) <= day && (m.to == null || day <= dayNo(m.to)));
}

// Why the signature does not hold (as kp_jws_verify decides), or null when it holds.
export async function signatureProblem(parts, h64, p64, s64, issuerKeys) {
  if (parts.length === 4) {
    if (!/^\d{1,9}$/.test(parts[0])) return 'MALFORMED';
    if (Number(parts[0]) > 1) return 'UNSUPPORTED_VERSION';
  }
  let header, sig;
  try {
    header = b64urlJson(h64);
  } catch {
    return 'MALFORMED';
  }
  if (!header || typeof header !== 'object' || Array.isArray(header) || typeof header.alg !== 'string' ||
      ('kid' in header && typeof header.kid !== 'string') || 'crit' in header) return 'MALFORMED';
  if (header.alg !== 'ES256') return 'UNSUPPORTED_ALGORITHM';
  try {
    sig = b64urlBytes(s64);
  } catch {
    return 'MALFORMED';
  }
  if (sig.length !== 64) return 'BAD_SIGNATURE';
  const jwk = issuerKeys.find((k) => k.kid === header.kid);
  if (!jwk) return 'UNKNOWN_KEY';
  if (jwk.revoked) return 'KEY_REVOKED';
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig,
      new TextEncoder().encode(`${h64}.${p64}`));
    return ok ? null : 'BAD_SIGNATURE';
  } catch {
    return 'BAD_SIGNATURE';
  }
}

export function offlineSupported() {
  return !!(globalThis.crypto?.subtle && globalThis.localStorage);
}
