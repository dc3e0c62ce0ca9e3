// refpartner.test.mjs: kapka (KG) against a partner that speaks the reference
// implementation's wire (tests/e2e/refpartner/, written from e-permit-java's source, not
// from kapka's): every event type both ways, every refusal the reference can give read
// and produced correctly, and a partner outage with a key rotation and revocations in the
// middle that loses nothing. Runs on SQLite or PostgreSQL (KAPKA_E2E_BACKEND).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, generateKeyPairSync, sign } from 'node:crypto';
import { startKapka, stopClean, adminToken, PASSWORD, uniq, clockNow, eventually } from './lib.mjs';
import { newCarrier, addVehicle, issue, YEAR, settleYear } from './permits_helpers.test.mjs';
import { RefPartner } from './refpartner/partner.mjs';
import { gsonOf } from './refpartner/events.mjs';

const FAST = { KAPKA_EXCHANGE_POLL_MS: '100', KAPKA_EXCHANGE_RETRY_MIN_MS: '100', KAPKA_EXCHANGE_RETRY_MAX_MS: '400',
  KAPKA_EXCHANGE_MAX_REFUSALS: '3', KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.1' };
const s = { kg: null, tr: null, tok: {} };
const NAME = "A&B <Trans> 'Ak-Jol' =1 ОсОО «Кыргыз» 新疆运输";

const permitAt = async (id) => {
  const r = await s.kg.req('GET', `/api/v1/permits/${id}`, { token: s.tok.kg });
  return r.status === 200 ? r.json : null;
};
const partnerTR = async () => (await s.kg.req('GET', '/api/v1/partners/TR', { token: s.tok.kg })).json.partner;
// every event kapka produced for TR arrived and was applied there (its proof held)
const trHolds = (id) => s.tr.ledger.some((x) => x.producer === 'KG' && x.eventId === id);
const delivered = async () => (await partnerTR()).outbox.pending === 0;

const snakeOf = (e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
function send(type, path, e, opts) {
  const [h, , sig] = s.tr.jws(gsonOf(type, e), opts?.key ?? s.tr.signingKey()).split('.');
  const auth = opts?.auth === undefined ? `Bearer ${h}.${sig}` : opts.auth;
  const body = JSON.stringify(snakeOf(e), (k, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v));
  return s.kg.req('POST', `/e-permit/events/${path}`, { headers: { ...(auth === null ? {} : { authorization: auth }), 'content-type': 'application/json' }, raw: body });
}
const baseOf = (type, prev) => ({ eventProducer: 'TR', eventConsumer: 'KG', eventTimestamp: BigInt(Math.floor(clockNow() / 1000)),
  eventType: type, eventId: randomUUID(), previousEventId: prev });
const lastTR = () => s.tr.ledger.filter((x) => x.producer === 'TR').pop().eventId;
const today = () => { const d = new Date(clockNow()); return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`; };

before(async () => {
  s.kg = await startKapka({ env: { ...FAST } });
  await settleYear(s.kg); // quotas and permits of one year, even when started in a year's last seconds
  s.tok.kg = await adminToken(s.kg);
  s.tr = await new RefPartner('TR', 'Türkiye').start();
  const org = await s.kg.req('POST', '/api/v1/organisations', { token: s.tok.kg, body: { kind: 'border_service', name: 'Border post' } });
  const username = uniq('officer');
  await s.kg.req('POST', '/api/v1/users', { token: s.tok.kg, body: { username, password: PASSWORD, role: 'officer', organisation_id: org.json.id, full_name: 'Officer', language: 'ru' } });
  s.tok.officer = await s.kg.login(username, PASSWORD);
  s.carrier = await newCarrier(s.kg, { company_name: NAME });
  const t = await s.kg.req('PUT', '/api/v1/permit-types/1', { token: s.tok.kg, body: { holding_limit: 1000 } });
  assert.equal(t.status, 200, t.text);
});

after(async () => {
  if (s.kg) await stopClean(s.kg);
  if (s.tr) await s.tr.stop();
});

test('handshake both ways, the reference\'s way: each GETs the other\'s address as configured', async () => {
  const a = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: s.tr.url } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.partner.code, 'TR');
  // the reference joins "/events/…" to the address: with a trailing slash, a doubled slash
  const cfg = await s.tr.addAuthority(`${s.kg.url}/e-permit/`);
  assert.equal(cfg.code, 'KG');
  assert.equal(cfg.version, '1.1.2');
  assert.ok(cfg.keys.every((k) => k.state === 'active' && k.kty === 'EC' && k.alg === 'ES256'));
  const plain = await s.kg.req('GET', '/e-permit');
  assert.deepEqual(plain.json.keys, cfg.keys);
  // an organisation authority ([A-Z]+, as the reference allows) is a partner like a country
  const bsec = await new RefPartner('BSEC', 'Organization of the Black Sea Economic Cooperation').start();
  try {
    const b = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: bsec.url } });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.partner.code, 'BSEC');
    assert.equal((await s.kg.req('GET', '/api/v1/partners/BSEC', { token: s.tok.kg })).status, 200);
  } finally {
    await bsec.stop();
  }
  // internal addresses are refused unless exchange_allow_private names them (here: 127.0.0.1 only)
  for (const api_url of [`http://[::1]:${s.tr.port}`, 'http://169.254.169.254/latest', 'http://10.1.2.3/e-permit', `http://127.0.0.2:${s.tr.port}`]) {
    const r = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url } });
    assert.equal(r.status, 422, `${api_url}: ${r.text}`);
    assert.equal(r.json.error.code, 'partner_address_private', api_url);
    assert.match(r.json.error.message, /exchange_allow_private/);
  }
});

test('quotas as quantities both ways; a KG permit with a hard company name reaches TR and verifies there', async () => {
  s.tr.createQuota('KG', { permitType: 1, permitYear: YEAR, quantity: 20 });
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), []);
  const q = await eventually(async () => (await s.kg.req('GET', '/api/v1/quotas?partner=TR', { token: s.tok.kg })).json.items
    .find((x) => x.direction === 'outbound' && x.type === 1), 'the quota at KG');
  assert.deepEqual([q.start_number, q.end_number], [1, 20]);
  // a second grant is the next range: the reference's total is 1…30
  s.tr.createQuota('KG', { permitType: 1, permitYear: YEAR, quantity: 10 });
  await s.tr.flush();
  await eventually(async () => (await s.kg.req('GET', '/api/v1/quotas?partner=TR', { token: s.tok.kg })).json.items
    .some((x) => x.direction === 'outbound' && x.start_number === 21 && x.end_number === 30), 'the second range');

  const grant = await s.kg.req('POST', '/api/v1/quotas', { token: s.tok.kg, body: { direction: 'inbound', partner: 'TR', year: YEAR, type: 1, start_number: 1, end_number: 5 } });
  assert.equal(grant.status, 201, grant.text);
  await eventually(() => s.tr.quota('TR', 'KG', 1, YEAR)?.totalQuota === 5, 'QUOTA_CREATED (quantity 5) at TR');

  const v = await addVehicle(s.kg, s.carrier.token);
  const p = await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id });
  s.permit = p;
  const there = await eventually(() => s.tr.permits.get(p.id), 'PERMIT_CREATED at TR').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(s.tr.received.slice(-3))}`); });
  assert.equal(there.companyName, NAME);
  assert.equal(there.qrCode, p.qr, 'qr_code: TR can answer its own verify for our permit');
  assert.equal(there.issuedAt, today(), 'issued_at is the UTC date');
  assert.equal(there.departureCountry, 'KG');
  assert.equal(there.arrivalCountry, 'TR');
  assert.equal(s.tr.quota('KG', 'TR', 1, YEAR).issuedCount, 1);
  // TR's border uses it: PERMIT_USED reaches KG
  s.tr.permitUsed(p.id, 'ENTRANCE', 'Kapıkule');
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), []);
  const acts = await eventually(async () => {
    const r = await s.kg.req('GET', `/api/v1/permits/${p.id}/activities`, { token: s.tok.kg });
    const items = r.json.items ?? r.json.activities;
    return items?.length === 1 ? items : null;
  }, 'PERMIT_USED at KG');
  assert.deepEqual([acts[0].activity_type, acts[0].country], ['ENTRANCE', 'TR']);
  // a KG permit revoked: PERMIT_REVOKED at TR
  const v2 = await addVehicle(s.kg, s.carrier.token);
  const p2 = await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v2.id });
  await eventually(() => s.tr.permits.get(p2.id), 'the second permit at TR');
  const rv = await s.kg.req('POST', `/api/v1/permits/${p2.id}/revoke`, { token: s.tok.kg, body: { reason: 'sold' } });
  assert.equal(rv.status, 200, rv.text);
  await eventually(() => s.tr.permits.get(p2.id).revoked, 'PERMIT_REVOKED at TR');
});

test('TR permits reach KG with every field; KG\'s border use goes back with the checkpoint; TR revokes one', async () => {
  const other = new Map([['res', 'not for <third> countries'], ['n', 5n], ['f', 1.5], ['route', ['TR', 'GE', 'AZ']]]);
  const e = s.tr.createPermit('KG', { permitType: 1, permitYear: YEAR, issuedAt: today(), expiresAt: `31/01/${YEAR + 1}`,
    plateNumber: '34 ABC 123', plateNumber2: '34 XYZ 99', companyName: "Öz & Güneş 'Lojistik'", companyId: '123',
    departureCountry: 'TR', arrivalCountry: 'KG', otherClaims: other });
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), [], JSON.stringify(s.tr.created.filter((c) => !c.sent)));
  const p = await permitAt(e.permitId);
  assert.equal(p.issuer, 'TR');
  assert.equal(p.company_name, "Öz & Güneş 'Lojistik'");
  assert.equal(p.trailer_plate, '34 XYZ 99');
  assert.equal(p.departure_country, 'TR');
  assert.deepEqual(typeof p.other_claims === 'string' ? JSON.parse(p.other_claims) : p.other_claims, { res: 'not for <third> countries', n: 5, f: 1.5, route: ['TR', 'GE', 'AZ'] });
  const r = await s.kg.req('POST', `/api/v1/permits/${e.permitId}/activities`, { token: s.tok.officer,
    body: { activity_type: 'ENTRANCE', checkpoint: 'torugart', details: 'seal intact' } });
  assert.equal(r.status, 201, r.text);
  const used = await eventually(() => s.tr.permits.get(e.permitId).activities[0], 'PERMIT_USED at TR');
  assert.equal(used.activityType, 'ENTRANCE');
  assert.match(used.activityDetails, /^torugart: seal intact$/i);

  const e2 = s.tr.createPermit('KG', { permitType: 1, permitYear: YEAR, issuedAt: today(), expiresAt: `31/01/${YEAR + 1}`,
    plateNumber: '34 DEF 456', companyName: 'X', companyId: '9', departureCountry: 'TR', arrivalCountry: 'KG' });
  s.tr.revokePermit(e2.permitId);
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), []);
  assert.equal((await permitAt(e2.permitId)).status, 'revoked');
});

test('keys both ways: TR rotates and revokes, KG rotates and revokes; every later event still verifies', async () => {
  s.tr.createKey('2');
  s.tr.revokeKey('1');
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), []);
  const keys = (await partnerTR()).keys;
  assert.ok(keys.find((k) => k.kid === '2' && !k.revoked_at));
  assert.ok(keys.find((k) => k.kid === '1' && k.revoked_at));
  // signed with key 2 now
  s.tr.createQuota('KG', { permitType: 2, permitYear: YEAR, quantity: 3 });
  await s.tr.flush();
  assert.deepEqual(s.tr.unsent(), []);

  const rot = await s.kg.req('POST', '/api/v1/keys', { token: s.tok.kg });
  assert.equal(rot.status, 201, rot.text);
  const oldKid = (await s.kg.req('GET', '/api/v1/keys', { token: s.tok.kg })).json.keys.find((k) => k.kid !== rot.json.key.kid && !k.revoked_at).kid;
  const rv = await s.kg.req('POST', `/api/v1/keys/${oldKid}/revoke`, { token: s.tok.kg });
  assert.equal(rv.status, 200, rv.text);
  await eventually(() => s.tr.authorities.get('KG').keys.find((k) => k.keyId === oldKid)?.revoked, 'KEY_REVOKED at TR');
  assert.ok(s.tr.authorities.get('KG').keys.some((k) => k.keyId === rot.json.key.kid && !k.revoked));
  const v = await addVehicle(s.kg, s.carrier.token);
  const p = await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id });
  await eventually(() => s.tr.permits.get(p.id), 'a permit signed with the new key at TR');
  // the healthcheck both ways, with the JWT the reference uses
  await eventually(delivered, 'KG\'s backlog empty');
  const h = await s.tr.healthcheck('KG');
  assert.equal(h.ok, true, h.problem);
  const mine = await s.kg.req('GET', '/api/v1/partners/TR/healthcheck', { token: s.tok.kg });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.healthcheck.ok, true, mine.text);
  assert.equal(mine.json.healthcheck.remote.to_last_event_id, mine.json.healthcheck.local.last_event_sent);
  // a token for another audience, or none: the reference's plain-text 401
  const none = await s.kg.req('GET', '/e-permit/healthcheck');
  assert.deepEqual([none.status, none.text], [401, '401 UNAUTHORIZED "Authorization header not found"']);
});

test('every refusal the reference can give, produced by kapka in the reference\'s shapes', async () => {
  const ev = (type, fields, prev = lastTR()) => ({ ...fields, ...baseOf(type, prev) });
  const quota = (fields = {}, prev) => ev('QUOTA_CREATED', { permitIssuer: 'KG', permitIssuedFor: 'TR', permitYear: BigInt(YEAR), permitType: 1n, quantity: 2n, ...fields }, prev);
  const expect422 = async (r, code) => {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.status, 'UNPROCESSABLE_ENTITY');
    assert.deepEqual(r.json.details, { errorCode: code });
    assert.ok(r.json.error_id && r.json.timestamp && r.json.error_message);
  };
  const expect401 = (r, reason) => {
    assert.equal(r.status, 401);
    assert.equal(r.text, `401 UNAUTHORIZED "${reason}"`);
  };
  // 400: bean validation, details by Java property
  let r = await send('QUOTA_CREATED', 'quota-created', quota({ quantity: 0n }));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.status, 'BAD_REQUEST');
  assert.equal(r.json.details.quantity, 'must be greater than or equal to 1');
  r = await send('QUOTA_CREATED', 'quota-created', quota({ permitIssuer: 'TR', permitIssuedFor: 'KG' }));
  assert.equal(r.json.details.valid, 'Invalid permit issuer or issued_for');
  r = await send('QUOTA_CREATED', 'quota-created', { ...quota(), eventId: 'short' });
  assert.equal(r.json.details.eventId, 'size must be between 16 and 100');
  const permit = (serial, fields = {}) => ev('PERMIT_CREATED', { permitId: `TR-KG-${YEAR}-1-${serial}`, permitType: 1n, permitIssuer: 'TR', permitIssuedFor: 'KG',
    permitYear: BigInt(YEAR), issuedAt: today(), expiresAt: `31/01/${YEAR + 1}`, plateNumber: '34 ABC 1', companyName: 'C', companyId: '1',
    departureCountry: 'TR', arrivalCountry: 'KG', qrCode: 'q', ...fields });
  r = await send('PERMIT_CREATED', 'permit-created', permit(4, { issuedAt: `31/12/${YEAR + 1}`, expiresAt: `31/01/${YEAR + 2}` }));
  assert.equal(r.json.details.validIssuedAt, 'Invalid issued_at');
  r = await send('PERMIT_CREATED', 'permit-created', permit(4, { qrCode: undefined }));
  assert.equal(r.json.details.qrCode, 'must not be null');
  r = await send('PERMIT_CREATED', 'permit-created', { ...permit(4), permitId: 'TR-KG-26-1-4' });
  assert.match(r.json.details.permitId, /^must match "/);
  // 401, plain text
  expect401(await send('QUOTA_CREATED', 'quota-created', quota(), { auth: null }), 'Authorization header not found');
  expect401(await send('QUOTA_CREATED', 'quota-created', quota(), { auth: 'Basic eA==' }), 'Invalid authorization type');
  expect401(await send('QUOTA_CREATED', 'quota-created', { ...quota(), eventProducer: 'AZ', permitIssuedFor: 'AZ' }), 'Invalid authority');
  expect401(await send('QUOTA_CREATED', 'quota-created', { ...quota(), eventConsumer: 'UZ', permitIssuer: 'UZ' }), 'Invalid jws');
  const stranger = { keyId: '2', privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
  expect401(await send('QUOTA_CREATED', 'quota-created', quota(), { key: stranger }), 'Invalid jws');
  // a body that differs from what was signed
  const signed = quota();
  const [h, , sig] = s.tr.jws(gsonOf('QUOTA_CREATED', signed)).split('.');
  expect401(await send('QUOTA_CREATED', 'quota-created', { ...signed, quantity: 200n }, { auth: `Bearer ${h}.${sig}` }), 'Invalid jws');
  // 422: the reference's codes
  await expect422(await send('QUOTA_CREATED', 'quota-created', quota(), { key: { ...stranger, keyId: 'nope' } }), 'KEY_NOTFOUND');
  await expect422(await send('QUOTA_CREATED', 'quota-created', quota(), { key: { ...stranger, keyId: '1' } }), 'KEY_NOTFOUND'); // revoked
  const replay = s.tr.ledger.find((x) => x.producer === 'TR' && x.eventType === 'QUOTA_CREATED');
  await expect422(await send('QUOTA_CREATED', 'quota-created', replay.event), 'EVENT_ALREADY_EXISTS');
  await expect422(await send('QUOTA_CREATED', 'quota-created', quota({}, '0')), 'GENESIS_EVENT_ALREADY_EXISTS');
  await expect422(await send('QUOTA_CREATED', 'quota-created', quota({}, randomUUID())), 'PREVIOUS_EVENT_NOTFOUND');
  await expect422(await send('PERMIT_CREATED', 'permit-created', permit(1, { permitType: 3n, permitId: `TR-KG-${YEAR}-3-1` })), 'INSUFFICIENT_PERMIT_QUOTA');
  await expect422(await send('PERMIT_CREATED', 'permit-created', permit(6)), 'INVALID_PERMIT_QUOTA_RANGE');
  await expect422(await send('PERMIT_CREATED', 'permit-created', permit(1)), 'PERMITID_ALREADY_EXISTS');
  await expect422(await send('PERMIT_CREATED', 'permit-created', permit(4, { permitType: 2n })), 'INVALID_PERMITID');
  await expect422(await send('PERMIT_REVOKED', 'permit-revoked', ev('PERMIT_REVOKED', { permitId: `TR-KG-${YEAR}-1-5`, revokedAt: 1796000000n })), 'PERMIT_NOTFOUND');
  await expect422(await send('PERMIT_REVOKED', 'permit-revoked', ev('PERMIT_REVOKED', { permitId: `TR-KG-${YEAR}-1-2`, revokedAt: 1796000000n })), 'PERMIT_ALREADY_REVOKED');
  await expect422(await send('PERMIT_USED', 'permit-used', ev('PERMIT_USED', { permitId: `KG-TR-${YEAR}-1-999`, activityType: 'EXIT', activityTimestamp: 1796000000n })), 'PERMIT_NOTFOUND');
  const jwk = s.tr.keys[1].jwk;
  await expect422(await send('KEY_CREATED', 'key-created', ev('KEY_CREATED', { authority: 'TR', kid: '2', jwk })), 'KEYID_ALREADY_EXISTS');
  await expect422(await send('KEY_REVOKED', 'key-revoked', ev('KEY_REVOKED', { authority: 'TR', keyId: '2', revokedAt: 1796000000n })), 'INSUFFICIENT_KEY');
  // a quantity past the serials kapka numbers (999 999 999 999) is refused, not wrapped around
  await expect422(await send('QUOTA_CREATED', 'quota-created', quota({ quantity: 999999999970n })), 'INVALID_PERMIT_QUOTA_RANGE');
  // two events the reference sent at once, with the same previous id: both are taken
  const prev = lastTR();
  const a = quota({ quantity: 1n }, prev), b = quota({ quantity: 1n }, prev);
  const [ra, rb] = await Promise.all([send('QUOTA_CREATED', 'quota-created', a), send('QUOTA_CREATED', 'quota-created', b)]);
  assert.deepEqual([ra.status, rb.status], [200, 200], ra.text + rb.text);
  // nothing refused changed anything: TR's type-1 grants are still 1…30 plus the two
  const items = (await s.kg.req('GET', '/api/v1/quotas?partner=TR', { token: s.tok.kg })).json.items.filter((x) => x.direction === 'outbound' && x.type === 1);
  assert.deepEqual(items.map((x) => x.end_number - x.start_number + 1).sort((x, y) => x - y), [1, 1, 10, 20]);
});

test('kapka reads the reference\'s answers: a lost answer then EVENT_ALREADY_EXISTS is delivered', async () => {
  s.tr.dropNextAnswer = true;
  const v = await addVehicle(s.kg, s.carrier.token);
  const p = await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id });
  await eventually(delivered, 'delivered after the lost answer');
  assert.ok(s.tr.permits.get(p.id));
  assert.ok(s.tr.received.some((x) => x.status === 422 && x.body.details?.errorCode === 'EVENT_ALREADY_EXISTS'));
});

test('an event the partner keeps refusing is set aside; the chain goes on; the ministry retries or skips it', async () => {
  // TR loses one of its own permits (its database was restored from an old backup)
  const e = s.tr.createPermit('KG', { permitType: 1, permitYear: YEAR, issuedAt: today(), expiresAt: `31/01/${YEAR + 1}`,
    plateNumber: '34 LOST 1', companyName: 'L', companyId: '7', departureCountry: 'TR', arrivalCountry: 'KG' });
  await s.tr.flush();
  const lost = s.tr.permits.get(e.permitId);
  s.tr.permits.delete(e.permitId);
  const use = await s.kg.req('POST', `/api/v1/permits/${e.permitId}/activities`, { token: s.tok.officer, body: { activity_type: 'ENTRANCE', checkpoint: 'torugart' } });
  assert.equal(use.status, 201, use.text);
  const dead = await eventually(async () => (await partnerTR()).outbox.dead === 1, 'PERMIT_USED set aside');
  assert.ok(dead);
  const [d] = (await s.kg.req('GET', '/api/v1/partners/TR/outbox?state=dead', { token: s.tok.kg })).json.events;
  assert.equal(d.event_type, 'PERMIT_USED');
  assert.match(d.last_error, /PERMIT_NOTFOUND/);
  // the next event is not blocked, and chains on the last event TR took
  const v = await addVehicle(s.kg, s.carrier.token);
  const p = await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id });
  await eventually(() => s.tr.permits.get(p.id), 'the permit after the dead letter at TR');
  // TR's data is repaired; the ministry retries: delivered, chained after what TR holds
  s.tr.permits.set(e.permitId, lost);
  const carrierTry = await s.kg.req('POST', `/api/v1/partners/TR/outbox/${d.id}/retry`, { token: s.carrier.token });
  assert.equal(carrierTry.status, 403);
  const r = await s.kg.req('POST', `/api/v1/partners/TR/outbox/${d.id}/retry`, { token: s.tok.kg });
  assert.equal(r.status, 200, r.text);
  await eventually(() => lost.activities.length === 1, 'the retried PERMIT_USED at TR');
  await eventually(delivered, 'nothing waiting');
  assert.equal((await s.kg.req('POST', `/api/v1/partners/TR/outbox/${d.id}/retry`, { token: s.tok.kg })).status, 409);
  // skipping: a dead letter given up
  s.tr.permits.delete(e.permitId);
  await s.kg.req('POST', `/api/v1/permits/${e.permitId}/activities`, { token: s.tok.officer, body: { activity_type: 'EXIT', checkpoint: 'torugart' } });
  await eventually(async () => (await partnerTR()).outbox.dead === 1, 'the EXIT set aside');
  const [d2] = (await s.kg.req('GET', '/api/v1/partners/TR/outbox?state=dead', { token: s.tok.kg })).json.events;
  const sk = await s.kg.req('POST', `/api/v1/partners/TR/outbox/${d2.id}/skip`, { token: s.tok.kg });
  assert.deepEqual([sk.status, sk.json.state], [200, 'skipped']);
  assert.equal((await partnerTR()).outbox.dead, 0);
  s.tr.permits.set(e.permitId, lost);
  assert.equal((await s.kg.req('POST', '/api/v1/partners/TR/outbox/999999/skip', { token: s.tok.kg })).status, 404);
  const audit = await s.kg.req('GET', '/api/v1/audit?limit=20', { token: s.tok.kg });
  if (audit.status === 200) {
    const acts = JSON.stringify(audit.json);
    assert.ok(acts.includes('outbox.retry') && acts.includes('outbox.skip'), 'both decisions audited');
  }
});

test('TR is down while KG issues, rotates its key, revokes the old key and a permit: nothing lost, empty backlog', async () => {
  await s.tr.stop();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const v = await addVehicle(s.kg, s.carrier.token);
    ids.push((await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id })).id);
  }
  const rot = await s.kg.req('POST', '/api/v1/keys', { token: s.tok.kg });
  assert.equal(rot.status, 201, rot.text);
  const keys = (await s.kg.req('GET', '/api/v1/keys', { token: s.tok.kg })).json.keys;
  const oldKid = keys.find((k) => k.kid !== rot.json.key.kid && !k.revoked_at).kid;
  assert.equal((await s.kg.req('POST', `/api/v1/keys/${oldKid}/revoke`, { token: s.tok.kg })).status, 200);
  const v = await addVehicle(s.kg, s.carrier.token);
  const late = (await issue(s.kg, s.carrier.token, { partner: 'TR', type: 1, vehicle_id: v.id })).id;
  assert.equal((await s.kg.req('POST', `/api/v1/permits/${ids[0]}/revoke`, { token: s.tok.kg, body: { reason: 'x' } })).status, 200);
  const waiting = await eventually(async () => { const p = await partnerTR(); return p.outbox.pending >= 7 && p.outbox.last_error ? p : null; }, 'the backlog');
  assert.ok(waiting.outbox.pending >= 7);
  await s.tr.start(); // same port
  await eventually(delivered, 'the backlog delivered', 30000);
  for (const id of [...ids, late]) assert.ok(s.tr.permits.get(id), `${id} at TR`);
  assert.equal(s.tr.permits.get(ids[0]).revoked, true);
  const trKeys = s.tr.authorities.get('KG').keys;
  assert.ok(trKeys.find((k) => k.keyId === oldKid).revoked);
  assert.ok(trKeys.find((k) => k.keyId === rot.json.key.kid && !k.revoked));
  // every event KG queued for TR is in TR's ledger, applied with a proof that held
  const out = await s.kg.req('GET', '/api/v1/partners/TR/outbox?limit=1000', { token: s.tok.kg });
  for (const e of out.json.events.filter((x) => x.state !== 'skipped')) assert.ok(trHolds(e.event_id), `${e.event_type} ${e.event_id} at TR`);
});
