// offline-verify.js: check a permit QR on this device when the server cannot be reached (a
// mountain post with a bad connection). While online, the verify page keeps the public keys
// of this authority and its partners (GET /api/v1/authorities/{code}) in localStorage; offline,
// the signature (ES256 over header.payload, WebCrypto), the verifying country and the expiry
// date are checked with them. What only the server knows (revoked, returned, used up) cannot
// be, and the page says so.

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
  const entries = await Promise.all(list.items.map(async (a) => {
    try {
      const au = await api.get(`/api/v1/authorities/${encodeURIComponent(a.code)}`);
      return [a.code, au.keys.map(({ kid, kty, crv, x, y, alg, revoked }) => ({ kid, kty, crv, x, y, alg, revoked }))];
    } catch {
      return [a.code, old?.authorities?.[a.code] ?? []];
    }
  }));
  const v = { fetched_at: new Date().toISOString(), self, authorities: Object.fromEntries(entries.filter(([, k]) => k.length)) };
  try { localStorage.setItem(STORE_KEY, JSON.stringify(v)); } catch { /* full or private: not kept */ }
  return v;
}

function b64urlBytes(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function b64urlJson(s) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b64urlBytes(s)));
}

const ID_RE = /^([A-Z]{2})-([A-Z]{2})-(\d{4})-([1-7])-([0-9]+)$/;

// dd/MM/yyyy → days since 1970 (UTC), or null.
function dayNumber(dmy) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(dmy || '');
  if (!m) return null;
  const t = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
  return Number.isNaN(t) ? null : Math.floor(t / 86400000);
}

// {valid, reasons: [{code}], claims|null, offline: true}; here: the verifying country.
export async function verifyOffline(qr, keys, here) {
  const reasons = [];
  const out = (claims = null) => ({ valid: reasons.length === 0, reasons, claims, offline: true, checked_for: here });
  const parts = qr.trim().split('.');
  if (parts.length !== 3 && parts.length !== 4) return reasons.push({ code: 'MALFORMED' }), out();
  if (parts.length === 4 && !['0', '1'].includes(parts[0])) return reasons.push({ code: 'UNSUPPORTED_VERSION' }), out();
  const [h64, p64, s64] = parts.slice(-3);
  let header, claims, sig;
  try {
    header = b64urlJson(h64);
    claims = b64urlJson(p64);
    sig = b64urlBytes(s64);
  } catch {
    return reasons.push({ code: 'MALFORMED' }), out();
  }
  const id = ID_RE.exec(typeof claims?.id === 'string' ? claims.id : '');
  if (!id || !['iat', 'exp', 'pn', 'cn'].every((k) => typeof claims[k] === 'string')) {
    return reasons.push({ code: 'MALFORMED' }), out();
  }
  if (header?.alg !== 'ES256') return reasons.push({ code: 'UNSUPPORTED_ALGORITHM' }), out();
  const issuerKeys = keys?.authorities?.[id[1]];
  if (!issuerKeys) return reasons.push({ code: 'UNKNOWN_ISSUER' }), out();
  const jwk = issuerKeys.find((k) => k.kid === header.kid);
  if (!jwk) return reasons.push({ code: 'UNKNOWN_KEY' }), out();
  if (jwk.revoked) return reasons.push({ code: 'KEY_REVOKED' }), out();
  let ok = false;
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    ok = sig.length === 64 && await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig,
      new TextEncoder().encode(`${h64}.${p64}`));
  } catch {
    ok = false;
  }
  if (!ok) return reasons.push({ code: 'BAD_SIGNATURE' }), out();
  if (here && id[2] !== here && id[1] !== here) reasons.push({ code: 'NOT_FOR_THIS_COUNTRY' });
  const exp = dayNumber(claims.exp);
  // Today in Kyrgyzstan (UTC+6), as the server counts it.
  const today = Math.floor((Date.now() + 6 * 3600 * 1000) / 86400000);
  if (exp === null) reasons.push({ code: 'MALFORMED' });
  else if (exp < today) reasons.push({ code: 'EXPIRED' });
  return out(claims);
}

export function offlineSupported() {
  return !!(globalThis.crypto?.subtle && globalThis.localStorage);
}
