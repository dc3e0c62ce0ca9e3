// permits_lifecycle.test.mjs: a permit after issue: border activities (ENTRANCE, EXIT),
// returning and revoking, and what the verifier says at each step; tampered and foreign
// QR texts; the QR image endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { usePermitServer, useServersAt, newCarrier, assertError, carrierWithFleet, issue, getBytes, scanQr, YEAR, clockNow } from './permits_helpers.test.mjs';

const srv = usePermitServer();
const serverAt = useServersAt();

// Server s, or, in a local day's first marginS seconds (the suite's clock set to midnight),
// a demo server marginS seconds into that day: for tests whose times are "minutes ago,
// the same day".
async function dayUnderWay(s, marginS) {
  const t = s.k.now();
  const sinceMidnight = (t + 6 * 3600e3) % 86400e3;
  if (sinceMidnight >= marginS * 1000) return s;
  return serverAt(new Date(t - sinceMidnight + marginS * 1000).toISOString());
}

async function freshPermit(k, partner = 'UZ', type = 1) {
  const c = await carrierWithFleet(k, 1);
  const p = await issue(k, c.token, { partner, type, vehicle_id: c.vehicles[0].id });
  return { c, p };
}

const activity = (k, id, body, token = srv.tok.officer) => k.req('POST', `/api/v1/permits/${id}/activities`, { token, body });
const ENTER = { activity_type: 'ENTRANCE', country: 'UZ', checkpoint: 'Dostyk' };
const LEAVE = { activity_type: 'EXIT', country: 'UZ', checkpoint: 'Dostyk' };

async function verify(k, qr, country) {
  const r = await k.req('POST', '/api/v1/verify', { body: country ? { qr, country } : { qr } });
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.json.valid, 'boolean');
  assert.ok(Array.isArray(r.json.reasons));
  return { ...r.json, codes: r.json.reasons.map((x) => x.code) };
}

async function permit(k, id, token = srv.tok.ministry) {
  const r = await k.req('GET', `/api/v1/permits/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('ENTRANCE then EXIT: used, then used up; no second entry; a used permit cannot be revoked or returned', async () => {
  const { k, tok } = srv;
  const { c, p } = await freshPermit(k);
  // Nothing to leave before entering.
  assertError(await activity(k, p.id, LEAVE), 422, 'NOT_ENTERED');
  let r = await activity(k, p.id, ENTER);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.activity_type, 'ENTRANCE');
  assert.equal(r.json.country, 'UZ');
  assert.equal(r.json.checkpoint, 'Dostyk');
  let now = await permit(k, p.id);
  assert.equal(now.status, 'used');
  assert.equal(now.used_up, false);
  assertError(await activity(k, p.id, ENTER), 422, 'ALREADY_ENTERED');
  r = await activity(k, p.id, { ...LEAVE, details: 'seal intact' });
  assert.equal(r.status, 201, r.text);
  now = await permit(k, p.id);
  assert.equal(now.status, 'used');
  assert.equal(now.used_up, true);
  const acts = await k.req('GET', `/api/v1/permits/${p.id}/activities`, { token: c.token });
  assert.deepEqual(acts.json.items.map((a) => [a.activity_type, a.country, a.checkpoint]),
    [['ENTRANCE', 'UZ', 'Dostyk'], ['EXIT', 'UZ', 'Dostyk']]);
  assert.equal(acts.json.items[1].details, 'seal intact');
  // A second trip on a single-trip permit is refused.
  assertError(await activity(k, p.id, ENTER), 422, 'PERMIT_USED');
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'late' } }), 422, 'PERMIT_USED');
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: c.token }), 422, 'PERMIT_USED');
  const v = await verify(k, p.qr);
  assert.equal(v.valid, false);
  assert.deepEqual(v.codes, ['USED_UP']);
  assert.equal((await k.req('GET', `/api/v1/permits/${p.id}/activities`, { token: c.token })).json.items.length, 2);
});

test('activities: only at the permit\'s own borders, not in the future, only by officers', async () => {
  const { k, tok } = await dayUnderWay(srv, 180);
  const activity = (_, id, body) => k.req('POST', `/api/v1/permits/${id}/activities`, { token: tok.officer, body });
  const permit = async (_, id) => { const r = await k.req('GET', `/api/v1/permits/${id}`, { token: tok.ministry }); assert.equal(r.status, 200, r.text); return r.json; };
  const { c, p } = await freshPermit(k);
  assertError(await activity(k, p.id, { ...ENTER, country: 'TR' }), 422, 'NOT_FOR_THIS_COUNTRY');
  assertError(await activity(k, p.id, { ...ENTER, country: 'KG' }), 422, 'NOT_FOR_THIS_COUNTRY'); // the verifier's border only
  const future = new Date(k.now() + 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  assertError(await activity(k, p.id, { ...ENTER, at: future }), 422, 'invalid_field');
  assertError(await activity(k, p.id, { ...ENTER, activity_type: 'TRANSIT' }), 422, 'invalid_field');
  for (const token of [c.token, tok.ministry, tok.auditor]) {
    assertError(await k.req('POST', `/api/v1/permits/${p.id}/activities`, { token, body: ENTER }), 403);
  }
  assert.equal((await permit(k, p.id)).status, 'issued', 'nothing was recorded');
  // Not before the permit was issued; a crossing time a little in the past is kept as given,
  // and the history reads in time order.
  const ago = (s) => new Date(k.now() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  // An hour before issue; in a year's first hour that is last year, before the permit's
  // year began at this border, which is said first.
  const yearStart = Date.UTC(Number(p.id.split('-')[2]), 0, 1) - 6 * 3600e3;
  assertError(await activity(k, p.id, { ...ENTER, at: ago(3600) }), 422,
    k.now() - 3600e3 < yearStart ? 'NOT_YET_VALID' : 'ACTIVITY_BEFORE_ISSUE');
  const at = ago(60);
  const r = await activity(k, p.id, { ...ENTER, at });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.at, at);
  assertError(await activity(k, p.id, { ...LEAVE, at: ago(120) }), 422, 'ACTIVITY_OUT_OF_ORDER');
  assert.equal((await k.req('GET', `/api/v1/permits/${p.id}/activities`, { token: c.token })).json.items.length, 1);
});

test('the carrier returns an unused permit: RETURNED; nothing more can happen to it', async () => {
  const { k, tok } = srv;
  const { c, p } = await freshPermit(k);
  const other = await newCarrier(k);
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: other.token }), 404, 'not_found');
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: tok.ministry }), 403);
  const r = await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: c.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'returned');
  assert.equal(r.json.effective_status, 'returned');
  const v = await verify(k, p.qr);
  assert.equal(v.valid, false);
  assert.deepEqual(v.codes, ['RETURNED']);
  assert.equal(v.permit.status, 'returned');
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: c.token }), 409);
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'x' } }), 409);
  assertError(await activity(k, p.id, ENTER), 422, 'PERMIT_RETURNED');
  const audit = await k.req('GET', `/api/v1/audit?object_type=permit&object_id=${p.id}`, { token: tok.auditor });
  assert.equal(audit.json.items[0].action, 'permit.return', audit.text);
  assert.equal(audit.json.items[0].before.status, 'issued');
  assert.equal(audit.json.items[0].after.status, 'returned');
});

test('the ministry revokes an unused permit with a reason: REVOKED, with that reason', async () => {
  const { k, tok } = srv;
  const { c, p } = await freshPermit(k);
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: {} }), 422, 'invalid_field');
  for (const token of [tok.officer, c.token, tok.auditor]) {
    assertError(await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token, body: { reason: 'x' } }), 403);
  }
  const r = await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'forged waybill' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'revoked');
  assert.equal(r.json.status_reason, 'forged waybill');
  const v = await verify(k, p.qr, 'UZ');
  assert.equal(v.valid, false);
  assert.deepEqual(v.codes, ['REVOKED']);
  assert.match(v.reasons[0].message, /forged waybill/);
  assertError(await activity(k, p.id, ENTER), 422, 'PERMIT_REVOKED');
  assertError(await k.req('POST', `/api/v1/permits/${p.id}/return`, { token: c.token }), 422, 'PERMIT_ALREADY_REVOKED');
  const mine = await k.req('GET', `/api/v1/permits/${p.id}`, { token: c.token });
  assert.equal(mine.json.status, 'revoked', 'the carrier sees the revocation');
});

test('verify: tampered, truncated, foreign-signed and nonsense texts are never valid', async () => {
  const { k } = srv;
  const { p } = await freshPermit(k);
  const [h, pl, sig] = p.qr.split('.');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const claims = jose.decodeJwt(p.qr);
  const reencode = (obj) => jose.base64url.encode(JSON.stringify(obj));
  const cases = {
    'signature changed': [`${h}.${pl}.${flip(sig, 10)}`, ['BAD_SIGNATURE']],
    'plate changed': [`${h}.${reencode({ ...claims, pn: '01KG000AAA' })}.${sig}`, ['BAD_SIGNATURE']],
    'validity stretched': [`${h}.${reencode({ ...claims, exp: '31/12/2099' })}.${sig}`, ['BAD_SIGNATURE']],
    'signature cut': [`${h}.${pl}.${sig.slice(0, 40)}`, ['BAD_SIGNATURE', 'MALFORMED']],
    'no signature': [`${h}.${pl}.`, ['BAD_SIGNATURE', 'MALFORMED']],
    'two parts': [`${h}.${pl}`, ['MALFORMED']],
    'alg none': [`${reencode({ alg: 'none', kid: p.kid })}.${pl}.`, ['UNSUPPORTED_ALGORITHM', 'BAD_SIGNATURE', 'MALFORMED']],
    'alg HS256': [`${reencode({ alg: 'HS256', kid: p.kid })}.${pl}.${sig}`, ['UNSUPPORTED_ALGORITHM', 'BAD_SIGNATURE']],
    'payload not JSON': [`${h}.${jose.base64url.encode('hello')}.${sig}`, ['MALFORMED']],
    'claims missing': [`${h}.${reencode({ id: claims.id })}.${sig}`, ['MALFORMED']],
    'plain text': ['this is not a permit', ['MALFORMED']],
    'a URL': ['https://example.org/permit/KG-UZ-2026-1-1', ['MALFORMED']],
    'dots only': ['...', ['MALFORMED']],
    'non-ASCII': ['\u00ff\u00fe.\u00e9.\u04e9', ['MALFORMED']],
    'five parts': [`1.${h}.${pl}.${sig}.x`, ['MALFORMED']],
  };
  for (const [what, [qr, allowed]] of Object.entries(cases)) {
    const v = await verify(k, qr);
    assert.equal(v.valid, false, `${what}: ${JSON.stringify(v)}`);
    assert.ok(v.codes.length >= 1, what);
    assert.ok(allowed.includes(v.codes[0]), `${what}: got ${v.codes.join(',')}, expected one of ${allowed}`);
    assert.equal(v.claims, null, `${what}: unverified claims must not be echoed as fact`);
  }
  // Control characters are not even looked at.
  assertError(await k.req('POST', '/api/v1/verify', { body: { qr: `${h}.\u0001.${sig}` } }), 422, 'invalid_field');
  // Signed with a key of our own making: under kapka's kid, and under an unknown kid.
  const { privateKey } = await jose.generateKeyPair('ES256');
  const sign = (kid, body = claims) => new jose.CompactSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey);
  let v = await verify(k, await sign(p.kid));
  assert.deepEqual([v.valid, v.codes[0]], [false, 'BAD_SIGNATURE']);
  v = await verify(k, await sign('no-such-kid'));
  assert.deepEqual([v.valid, v.codes[0]], [false, 'UNKNOWN_KEY']);
  v = await verify(k, await sign('x', { ...claims, id: `ZZ-UZ-${YEAR}-1-1` }));
  assert.deepEqual([v.valid, v.codes[0]], [false, 'UNKNOWN_ISSUER']);
  v = await verify(k, await sign(p.kid, { ...claims, id: `KG-UZ-${YEAR}-1-999999` }));
  assert.equal(v.valid, false, 'a permit kapka never issued, under a forged signature');
  // The genuine one is still fine, and so is the older version-prefixed form.
  assert.equal((await verify(k, p.qr)).valid, true);
  v = await verify(k, `1.${p.qr}`);
  assert.equal(v.valid, true, `the "1." version prefix: ${JSON.stringify(v.reasons)}`);
});

test('verify at another country\'s border: NOT_FOR_THIS_COUNTRY', async () => {
  const { k } = srv;
  const { p } = await freshPermit(k, 'UZ');
  let v = await verify(k, p.qr, 'TR');
  assert.equal(v.valid, false);
  assert.deepEqual(v.codes, ['NOT_FOR_THIS_COUNTRY']);
  assert.equal(v.checked_for, 'TR');
  for (const here of ['UZ', 'KG']) {
    v = await verify(k, p.qr, here);
    assert.equal(v.valid, true, `${here}: ${JSON.stringify(v.reasons)}`);
  }
  const { p: tr } = await freshPermit(k, 'TR');
  assert.deepEqual((await verify(k, tr.qr, 'UZ')).codes, ['NOT_FOR_THIS_COUNTRY']);
  assert.equal((await verify(k, tr.qr, 'TR')).valid, true);
});

test('the QR image: SVG by default, PNG on request (reads back to the credential), nothing else', async () => {
  const { k, tok } = srv;
  const { c, p } = await freshPermit(k);
  const svg = await getBytes(k, `/api/v1/permits/${p.id}/qr`, c.token);
  assert.equal(svg.status, 200);
  assert.match(svg.type, /^image\/svg\+xml/);
  assert.match(svg.buf.toString('utf8'), /<svg[\s>]/);
  const svg2 = await getBytes(k, `/api/v1/permits/${p.id}/qr?format=svg`, tok.officer);
  assert.equal(svg2.status, 200);
  assert.deepEqual(svg2.buf, svg.buf);
  const png = await getBytes(k, `/api/v1/permits/${p.id}/qr?format=png`, c.token);
  assert.equal(png.status, 200);
  assert.equal(png.type, 'image/png');
  assert.deepEqual([...png.buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(scanQr(png.buf), p.qr);
  assertError(await k.req('GET', `/api/v1/permits/${p.id}/qr?format=gif`, { token: c.token }), 400);
  const other = await newCarrier(k);
  assertError(await k.req('GET', `/api/v1/permits/${p.id}/qr?format=png`, { token: other.token }), 404);
  assertError(await k.req('GET', `/api/v1/permits/${p.id}/qr`, { token: tok.traveller }), 403);
  assertError(await k.req('GET', `/api/v1/permits/${p.id}/qr`), 401);
  // A revoked permit gets no live code any more (issue 17, finding 13); its PDF says VOID.
  assert.equal((await k.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: tok.ministry, body: { reason: 'test' } })).status, 200);
  assertError(await k.req('GET', `/api/v1/permits/${p.id}/qr?format=png`, { token: c.token }), 410, 'permit_void');
});
