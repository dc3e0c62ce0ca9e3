// permits_flow.test.mjs: the freight e-permit "done when": a newly registered carrier
// registers a truck, applies for a KG→UZ bilateral permit and gets it in the same answer;
// the printable PDF carries a QR code that, read back from the rendered page, is exactly
// the permit's credential, verifies through kapka and, independently, through the `jose`
// JWS library with nothing but the public key kapka publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import {
  usePermitServer, newCarrier, assertError, addVehicle, apply, issue, getBytes, scanQr, pdfPages, pdfText,
  normPlate, newPlate, YEAR, DEMO_YEAR, VERIFIER_ID_RE, DMY_RE,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

const CLAIMS = ['id', 'iat', 'exp', 'pn', 'cn'];

// Verify a QR text with jose and only the public JWK kapka publishes for KG.
async function joseVerify(k, qr) {
  const au = await k.req('GET', '/api/v1/authorities/KG'); // public: no token
  assert.equal(au.status, 200, au.text);
  assert.ok(Array.isArray(au.json.keys) && au.json.keys.length >= 1, au.text);
  const header = jose.decodeProtectedHeader(qr);
  const jwk = au.json.keys.find((x) => x.kid === header.kid);
  assert.ok(jwk, `no published key with kid ${header.kid}: ${au.text}`);
  assert.equal(jwk.kty, 'EC');
  assert.equal(jwk.crv, 'P-256');
  assert.equal(jwk.alg, 'ES256');
  for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.ok(!(secret in jwk), `the public key leaks "${secret}"`);
  const key = await jose.importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256');
  const { payload, protectedHeader } = await jose.compactVerify(qr, key, { algorithms: ['ES256'] });
  return { claims: JSON.parse(new TextDecoder().decode(payload)), header: protectedHeader, jwk };
}

test('done when: register, add a truck, apply, get the permit, PDF → QR → verify (kapka and jose)', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  assert.equal(c.org.kind, 'carrier');
  assert.equal(c.org.status, 'active');

  const plate = newPlate();
  const v = await addVehicle(k, c.token, { plate, kind: 'truck', euro_class: 5, make: 'KAMAZ', model: '65115' });
  assert.equal(v.plate, normPlate(plate), 'plates are stored normalised');
  assert.equal(v.organisation_id, c.org.id);
  assert.equal(v.status, 'active');

  const trip = { route: 'Osh - Dostyk - Andijan', departure_date: new Date(k.now() + 6 * 3600e3).toISOString().slice(0, 10), cargo: 'dried apricots' };
  const t0 = Date.now();
  const r = await apply(k, c.token, { partner: 'UZ', type: 'BILATERAL', vehicle_id: v.id, trip });
  const took = Date.now() - t0;
  assert.equal(r.status, 201, r.text);
  assert.ok(took < 10000, `the decision took ${took} ms`);
  assert.equal(r.json.decision, 'issued');
  const p = r.json.permit;
  const idRe = new RegExp(`^KG-UZ-${YEAR}-1-(\\d+)$`);
  assert.match(p.id, idRe);
  assert.equal(Number(idRe.exec(p.id)[1]), p.serial);
  assert.equal(r.headers.get('location'), `/api/v1/permits/${p.id}`);
  assert.equal(p.issuer, 'KG');
  assert.equal(p.verifier, 'UZ');
  assert.equal(p.year, YEAR);
  assert.equal(p.type, 1);
  assert.equal(p.type_name, 'BILATERAL');
  assert.equal(p.plate, v.plate);
  assert.equal(p.company_name, c.org.name);
  assert.equal(p.company_id, c.org.inn);
  assert.equal(p.status, 'issued');
  assert.equal(p.effective_status, 'issued');
  assert.equal(p.used_up, false);
  assert.equal(p.organisation_id, c.org.id);
  assert.equal(p.vehicle_id, v.id);
  assert.equal(p.valid_until, `31/01/${YEAR + 1}`, 'BILATERAL permits run to 31 January of the next year');
  assert.match(p.issued_on, DMY_RE);
  const ap = r.json.application;
  assert.equal(ap.status, 'issued');
  assert.equal(ap.permit_id, p.id);
  assert.equal(p.application_id, ap.id);
  assert.equal(ap.partner, 'UZ');
  assert.equal(ap.vehicle_id, v.id);
  assert.deepEqual(ap.reasons, []);
  assert.deepEqual(ap.trip, trip);

  // The QR text is a compact JWS: three base64url parts.
  assert.equal(typeof p.qr, 'string');
  assert.match(p.qr, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(typeof p.kid, 'string');

  // The same permit is there afterwards, for its carrier and for officials.
  const again = await k.req('GET', `/api/v1/permits/${p.id}`, { token: c.token });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.qr, p.qr);
  assert.equal((await k.req('GET', `/api/v1/permits/${p.id}`, { token: srv.tok.officer })).json.qr, p.qr);
  const mine = await k.req('GET', '/api/v1/permits', { token: c.token });
  assert.deepEqual(mine.json.items.map((x) => x.id), [p.id], 'a carrier lists only its own permits');
  const apps = await k.req('GET', '/api/v1/permit-applications', { token: c.token });
  assert.deepEqual(apps.json.items.map((x) => [x.id, x.status]), [[ap.id, 'issued']]);

  // The PDF: render the page, read the QR code off the picture.
  const pdf = await getBytes(k, `/api/v1/permits/${p.id}/pdf`, c.token);
  assert.equal(pdf.status, 200, pdf.buf.toString().slice(0, 300));
  assert.match(pdf.type, /^application\/pdf/);
  assert.equal(pdf.buf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.headers.get('content-disposition') || '', new RegExp(`filename="${p.id}\\.pdf"`));
  const pages = pdfPages(pdf.buf);
  // the permit fits on its first page; a second holds its transparency-log proof (docs/transparency.md)
  assert.ok(pages.length >= 1 && pages.length <= 2, `${pages.length} pages`);
  const scanned = scanQr(pages[0]);
  assert.equal(scanned, p.qr, 'the QR code on the printed page is the credential');
  const text = pdfText(pdf.buf);
  for (const s of [p.id, v.plate, c.org.name, c.org.inn, p.valid_until, 'Bilateral', 'Двустороннее']) {
    assert.ok(text.includes(s), `the PDF text lacks ${s}`);
  }

  // kapka's own verifier.
  const ver = await k.req('POST', '/api/v1/verify', { body: { qr: scanned } });
  assert.equal(ver.status, 200, ver.text);
  assert.equal(ver.json.valid, true, ver.text);
  assert.deepEqual(ver.json.reasons, []);
  assert.equal(ver.json.checked_for, 'KG');
  assert.equal(ver.json.permit.id, p.id);
  assert.equal(ver.json.claims.id, p.id);
  // At Uzbekistan's border (the permit's verifier) it is valid too.
  const atUz = await k.req('POST', '/api/v1/verify', { body: { qr: scanned, country: 'UZ' } });
  assert.equal(atUz.json.valid, true, atUz.text);
  assert.equal(atUz.json.checked_for, 'UZ');

  // An independent JWS implementation, with only the published public key.
  const { claims, header, jwk } = await joseVerify(k, scanned);
  assert.equal(header.alg, 'ES256');
  assert.equal(typeof header.kid, 'string');
  assert.equal(header.kid, p.kid);
  assert.equal(jwk.use, 'sig');
  for (const name of CLAIMS) assert.equal(typeof claims[name], 'string', `claim ${name} must be a string`);
  for (const [name, value] of Object.entries(claims)) assert.equal(typeof value, 'string', `claim ${name} is not a string`);
  assert.equal(claims.id, p.id);
  assert.match(claims.id, VERIFIER_ID_RE, 'the universal verifier reads this id');
  assert.match(claims.iat, DMY_RE);
  assert.match(claims.exp, DMY_RE);
  assert.equal(claims.iat, p.issued_on);
  assert.equal(claims.exp, `31/01/${YEAR + 1}`);
  assert.equal(claims.pn, v.plate);
  assert.equal(claims.cn, c.org.name);
  // Issuer, verifier, year and type are read back from the id.
  const [iss, ver2, yr, ty] = claims.id.split('-');
  assert.deepEqual([iss, ver2, Number(yr), Number(ty)], ['KG', 'UZ', YEAR, 1]);
});

test('jose rejects what kapka did not sign: a changed claim, another key', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const v = await addVehicle(k, c.token);
  const p = await issue(k, c.token, { partner: 'TR', type: 1, vehicle_id: v.id });
  await joseVerify(k, p.qr); // the genuine one passes
  const [h, , s] = p.qr.split('.');
  const forged = jose.base64url.encode(JSON.stringify({ ...jose.decodeJwt(p.qr), pn: '01KG999ZZZ' }));
  await assert.rejects(joseVerify(k, `${h}.${forged}.${s}`), /signature verification failed/i);
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
  const own = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(jose.decodeJwt(p.qr))))
    .setProtectedHeader({ alg: 'ES256', kid: p.kid }).sign(privateKey);
  await assert.rejects(joseVerify(k, own), /signature verification failed/i);
  await jose.compactVerify(own, publicKey); // the forgery itself is well formed
});

test('apply by plate (any spelling) and by numeric type; each partner has its own serials', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const v = await addVehicle(k, c.token, { kind: 'truck', euro_class: 6 });
  const spelled = v.plate.toLowerCase().replace(/^(..)(....)/, '$1-$2 ');
  const tr = await issue(k, c.token, { partner: 'TR', type: 1, plate: spelled });
  assert.match(tr.id, new RegExp(`^KG-TR-${YEAR}-1-\\d+$`));
  assert.equal(tr.vehicle_id, v.id);
  const cn = await issue(k, c.token, { partner: 'CN', type: 'BILATERAL', vehicle_id: v.id });
  assert.equal(cn.id, `KG-CN-${YEAR}-1-1`, 'the first KG→CN permit of the year has serial 1');
  const uz2 = await issue(k, c.token, { partner: 'UZ', type: 'TRANSIT', vehicle_id: v.id });
  assert.equal(uz2.id, `KG-UZ-${YEAR}-2-1`);
  assert.equal(uz2.type_name, 'TRANSIT');
  for (const p of [tr, cn, uz2]) {
    const ver = await k.req('POST', '/api/v1/verify', { body: { qr: p.qr, country: p.verifier } });
    assert.equal(ver.json.valid, true, ver.text);
  }
});

test('the demo permit KG-UZ-<year>-1-1 exists, belongs to the demo carrier and verifies', async () => {
  const { k } = srv;
  const id = `KG-UZ-${DEMO_YEAR}-1-1`;
  const r = await k.req('GET', `/api/v1/permits/${id}`, { token: srv.tok.carrier });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.plate, '01KG123ABC');
  assert.equal(r.json.company_name, 'Ala-Too Trans LLC');
  const ver = await k.req('POST', '/api/v1/verify', { body: { qr: r.json.qr } });
  // valid until 31 January of the next year: loaded in the last second of one (the
  // suite's clock at New Year's Eve), it is still valid when checked on 1 January
  assert.equal(ver.json.valid, true, ver.text);
  assert.equal(ver.json.permit.valid_until, `31/01/${DEMO_YEAR + 1}`, ver.text);
  const { claims } = await joseVerify(k, r.json.qr);
  assert.equal(claims.id, id);
  // Another carrier does not see it, and cannot tell it exists.
  const other = await newCarrier(k);
  assertError(await k.req('GET', `/api/v1/permits/${id}`, { token: other.token }), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/permits/${id}/pdf`, { token: other.token }), 404, 'not_found');
});

test('the QR image endpoint holds the same credential (PNG read back with zbarimg)', async () => {
  const { k } = srv;
  const id = `KG-UZ-${DEMO_YEAR}-1-1`;
  const p = (await k.req('GET', `/api/v1/permits/${id}`, { token: srv.tok.carrier })).json;
  const png = await getBytes(k, `/api/v1/permits/${id}/qr?format=png`, srv.tok.carrier);
  assert.equal(png.status, 200);
  assert.equal(png.type, 'image/png');
  assert.equal(scanQr(png.buf), p.qr);
});
