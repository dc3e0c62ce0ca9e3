// verify.js: a port of the universal e-permit verifier's verifyPermit() flow (e-permit/verify,
// src/utils.ts, and the screens of src/components/PermitView.tsx), written from its source to
// test kapka the way border officers' phones call it: from a web page on another origin.
// Differences, and why: the schema check is the published permit-schema.json applied by a
// small validator instead of Ajv, and the offline signature check uses WebCrypto instead of
// jsrsasign (both ES256 over the same bytes), so the page needs no bundler.
const BASE_URL = new URL('data', location.href).href.replace(/\/$/, ''); // e-permit.github.io/data stand-in

export async function verifyPermit(qrCode) {
  const schemaRes = await fetch(`${BASE_URL}/permit-schema.json`);
  const schema = await schemaRes.json();
  const parseQrCodeResult = parseQrCode(qrCode, schema);

  if (!parseQrCodeResult.ok) {
    return { ok: false, errorCode: 'invalid_format' };
  }

  const { header, payload, jws } = parseQrCodeResult;

  const permitData = getPermit(payload);
  const authoritiesRes = await fetch(`${BASE_URL}/authorities.json`);
  const authorities = await authoritiesRes.json();
  const permitTypesRes = await fetch(`${BASE_URL}/permit-types.json`);
  const permitTypes = await permitTypesRes.json();
  const issuer = authorities[permitData.issuer];

  let permit;
  let offline = false;
  try {
    const permitRes = await fetch(`${issuer.url}/verify/${qrCode}`);
    if (permitRes.ok) {
      permit = await permitRes.json();
    } else {
      return { ok: false, errorCode: 'permit_not_found' };
    }
  } catch {
    offline = true;
    permit = permitData;
    const publicJwkResult = await getPublicJwk(issuer.url, header.kid);
    if (!publicJwkResult.ok) {
      return { ok: false, errorCode: 'invalid_key' };
    }
    if (!(await verifyEs256(jws, publicJwkResult.jwk))) {
      return { ok: false, errorCode: 'invalid_signature' };
    }
  }
  permit.issuer_name = issuer.name;
  permit.issued_for_name = authorities[permitData.issued_for].name;
  permit.permit_type_name = permitTypes.find((t) => t.code === permit.permit_type).name;

  return { ok: true, offline, permit };
}

export function parseQrCode(qrCode, schema) {
  const arr = qrCode.split('.');
  let header;
  let payload;
  try {
    header = JSON.parse(base64urlDecode(arr[0]));
    payload = JSON.parse(base64urlDecode(arr[1]));
  } catch {
    return { ok: false };
  }
  if (!validate(schema, { header, payload, sig: arr[2] })) return { ok: false };
  return { ok: true, payload, header, jws: `${arr[0]}.${arr[1]}.${arr[2]}` };
}

export async function getPublicJwk(url, kid) {
  const configRes = await fetch(url);
  const config = await configRes.json();
  const publicKey = config.keys.find((x) => x.kid === kid);
  if (!publicKey) return { ok: false };
  return { ok: true, jwk: publicKey };
}

export function getPermit(payload) {
  const claims = payload.id.split('-');
  return {
    id: payload.id,
    issuer: claims[0],
    issued_for: claims[1],
    permit_year: claims[2],
    permit_type: claims[3],
    issued_at: payload.iat,
    expires_at: payload.exp,
    plate_number: payload.pn,
    company_name: payload.cn,
  };
}

function base64urlDecode(value) {
  const m = value.length % 4;
  return atob(value.replace(/-/g, '+').replace(/_/g, '/').padEnd(value.length + (m === 0 ? 0 : 4 - m), '='));
}

// The JSON-schema keywords permit-schema.json uses: type, required, properties, pattern.
function validate(schema, value) {
  if (schema.type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const k of schema.required || []) if (!(k in value)) return false;
    for (const [k, sub] of Object.entries(schema.properties || {})) {
      if (k in value && !validate(sub, value[k])) return false;
    }
    return true;
  }
  if (schema.type === 'string') {
    if (typeof value !== 'string') return false;
    return !schema.pattern || new RegExp(schema.pattern).test(value);
  }
  return true;
}

async function verifyEs256(jws, jwk) {
  const [h, p, s] = jws.split('.');
  const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const sig = Uint8Array.from(base64urlDecode(s), (c) => c.charCodeAt(0));
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, new TextEncoder().encode(`${h}.${p}`));
}

// PermitView.tsx: which screen the officer sees.
export function screen(result) {
  if (result.ok) return result.offline ? 'OFFLINE VERIFICATION' : 'Verified';
  return { invalid_key: 'INVALID KEY', invalid_signature: 'INVALID SIGNATURE', permit_not_found: 'PERMIT NOT FOUND' }[result.errorCode]
    || 'UNKNOWN ERROR';
}

// The page: the QR text comes after # (the app routes /permits/:qrCode); the result is shown.
async function main() {
  const qr = decodeURIComponent(location.hash.slice(1));
  if (!qr) return;
  const out = document.getElementById('result');
  let result;
  try {
    result = await verifyPermit(qr);
  } catch {
    result = { ok: false };
  }
  out.dataset.screen = screen(result);
  out.textContent = screen(result);
  window.verifierResult = result;
}
main();
