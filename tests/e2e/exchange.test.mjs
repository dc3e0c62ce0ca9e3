// exchange.test.mjs: two kapka instances on loopback, one speaking for Kyrgyzstan (KG) and
// one for Uzbekistan (UZ), exchanging permits over the e-permit protocol
// (docs/e-permit.md). A partner written from the reference implementation's source plays
// the other side in refpartner.test.mjs.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, stopClean, adminToken, uniq, PASSWORD, clockNow, eventually } from './lib.mjs';
import { carrierWithFleet, addVehicle, issue, YEAR, settleYear } from './permits_helpers.test.mjs';

const FAST = { KAPKA_EXCHANGE_POLL_MS: '100', KAPKA_EXCHANGE_RETRY_MIN_MS: '200', KAPKA_EXCHANGE_RETRY_MAX_MS: '800',
  KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.1' };
const s = { kg: null, uz: null, tok: {}, dir: null };

// Wait until fn() returns something truthy (the worker delivers in the background).

async function officer(k, token) {
  const org = await k.req('POST', '/api/v1/organisations', { token, body: { kind: 'border_service', name: 'Border post' } });
  assert.equal(org.status, 201, org.text);
  const username = uniq('officer');
  const r = await k.req('POST', '/api/v1/users', {
    token, body: { username, password: PASSWORD, role: 'officer', organisation_id: org.json.id, full_name: 'Officer One', language: 'ru' },
  });
  assert.equal(r.status, 201, r.text);
  return k.login(username, PASSWORD);
}

async function permitAt(k, token, id) {
  const r = await k.req('GET', `/api/v1/permits/${id}`, { token });
  return r.status === 200 ? r.json : null;
}

async function partner(k, token, code) {
  const r = await k.req('GET', `/api/v1/partners/${code}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.partner;
}

// A permit is judged by the local date at the border that checks it (docs/e-permit.md): from
// 18:00 to 19:00 UTC on 31 December a KG permit for the new year is valid in Bishkek (UTC+6)
// but not yet in Tashkent (UTC+5), where UZ's year has not begun. These tests exchange
// permits both ways in one year, so when the suite's clock (KAPKA_TEST_CLOCK) falls in that
// hour, or within the few minutes the file runs before it, both servers start at Tashkent's
// midnight instead; elsewhere they join the suite's clock. (The split itself is held in
// tests/verdict/freight-cases.json.)
function awayFromYearSplit(marginS = 300) {
  const year = (ms, offsetH) => new Date(ms + offsetH * 3600e3).getUTCFullYear();
  const t = clockNow();
  if (year(t + marginS * 1000, 6) === year(t, 5)) return undefined;
  return Math.floor((Date.UTC(year(t, 5) + 1, 0, 1) - 5 * 3600e3) / 1000);
}

before(async () => {
  s.dir = mkdtempSync(join(tmpdir(), 'kapka-exchange-'));
  const now = awayFromYearSplit();
  [s.kg, s.uz] = await Promise.all([
    startKapka({ now, env: { ...FAST } }),
    startKapka({ now, env: { ...FAST, KAPKA_AUTHORITY_CODE: 'UZ', KAPKA_AUTHORITY_NAME: 'Uzbekistan', KAPKA_UTC_OFFSET_MINUTES: '300' } }),
  ]);
  s.tok.kg = await adminToken(s.kg);
  s.tok.uz = await adminToken(s.uz);
  s.tok.uzOfficer = await officer(s.uz, s.tok.uz);
  await settleYear(s.kg); // YEAR: KG's permit year, also at New Year's Eve on the suite's clock
  // A carrier may hold more than the default few unused permits of a type in this file.
  const t = await s.kg.req('PUT', '/api/v1/permit-types/3', { token: s.tok.kg, body: { holding_limit: 1000 } });
  assert.equal(t.status, 200, t.text);
});

after(async () => {
  if (s.kg) await stopClean(s.kg);
  if (s.uz) await stopClean(s.uz);
  rmSync(s.dir, { recursive: true, force: true });
});

test('handshake both ways: each stores the other\'s code, name, address and keys', async () => {
  const a = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: `${s.uz.url}/e-permit` } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.partner.code, 'UZ');
  assert.equal(a.json.partner.name, 'Uzbekistan');
  assert.equal(a.json.partner.handshake.state, 'ok');
  const cfg = await s.uz.req('GET', '/e-permit');
  assert.equal(cfg.status, 200);
  assert.equal(cfg.json.version, '1.1.2');
  assert.deepEqual(a.json.partner.keys.map((x) => x.kid), cfg.json.keys.map((x) => x.kid));
  for (const key of cfg.json.keys) {
    assert.equal(key.kty, 'EC'); assert.equal(key.crv, 'P-256'); assert.equal(key.alg, 'ES256'); assert.equal(key.use, 'sig');
    assert.equal(key.state, 'active');
  }
  const b = await s.uz.req('POST', '/api/v1/partners', { token: s.tok.uz, body: { api_url: `${s.kg.url}/e-permit/` } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.partner.code, 'KG');
  // the configuration is also served at the base itself (the universal verifier reads it there)
  const root = await s.kg.req('GET', '/e-permit/');
  assert.equal(root.json.code, 'KG');
  // bad addresses are refused with the reason, nothing stored
  const bad = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: 'ftp://x' } });
  assert.equal(bad.status, 422);
  const down = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: 'http://127.0.0.1:9/e-permit' } });
  assert.equal(down.status, 422);
  assert.equal(down.json.error.code, 'partner_unreachable');
  const self = await s.kg.req('POST', '/api/v1/partners', { token: s.tok.kg, body: { api_url: `${s.kg.url}/e-permit` } });
  assert.equal(self.json.error.code, 'partner_configuration_invalid');
});

test('UZ grants KG a quota: QUOTA_CREATED arrives and KG carriers draw from it', async () => {
  const q = await s.uz.req('POST', '/api/v1/quotas', {
    token: s.tok.uz, body: { direction: 'inbound', partner: 'KG', year: YEAR, type: 3, start_number: 1, end_number: 400 },
  });
  assert.equal(q.status, 201, q.text);
  const got = await eventually(async () => {
    const r = await s.kg.req('GET', '/api/v1/quotas?partner=UZ', { token: s.tok.kg });
    return r.json.items.find((x) => x.direction === 'outbound' && x.type === 3 && x.end_number === 400);
  }, 'QUOTA_CREATED at KG');
  assert.equal(got.start_number, 1);
  const sent = await s.uz.req('GET', '/api/v1/partners/KG/outbox', { token: s.tok.uz });
  assert.equal(sent.json.events[0].event_type, 'QUOTA_CREATED');
  assert.equal(sent.json.events[0].state, 'delivered');
  assert.equal(sent.json.events[0].previous_event_id, '0');
  assert.equal(sent.json.events[0].claims.permit_type, 3);
  assert.equal(sent.json.events[0].claims.quantity, 400);
  assert.equal(sent.json.events[0].claims.event_producer, 'UZ');
  assert.equal(sent.json.events[0].claims.permit_issuer, 'KG');
});

test('a KG permit reaches UZ, is used there, and KG may no longer revoke it', async () => {
  const c = await carrierWithFleet(s.kg, 1);
  s.carrier = c;
  const p = await issue(s.kg, c.token, { partner: 'UZ', type: 3, vehicle_id: c.vehicles[0].id });
  const there = await eventually(() => permitAt(s.uz, s.tok.uz, p.id), 'PERMIT_CREATED at UZ');
  assert.equal(there.issuer, 'KG');
  assert.equal(there.verifier, 'UZ');
  assert.equal(there.plate, p.plate);
  assert.equal(there.status, 'issued');
  // the QR verifies at UZ online with the key from the handshake
  const v = await s.uz.req('POST', '/api/v1/verify', { body: { qr: p.qr } });
  assert.equal(v.json.valid, true, JSON.stringify(v.json.reasons));
  // ... and at KG's public verify endpoint, as the universal verifier asks the issuer
  const pub = await s.kg.req('GET', `/e-permit/verify/${p.qr}`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.permit_id, p.id); // the reference's PermitDto
  assert.equal(pub.json.qr_code, p.qr);

  for (const activity_type of ['ENTRANCE', 'EXIT']) {
    const r = await s.uz.req('POST', `/api/v1/permits/${p.id}/activities`, { token: s.tok.uzOfficer, body: { activity_type } });
    assert.equal(r.status, 201, r.text);
  }
  const acts = await eventually(async () => {
    const r = await s.kg.req('GET', `/api/v1/permits/${p.id}/activities`, { token: s.tok.kg });
    return r.json.items?.length === 2 ? r.json.items : (r.json.activities?.length === 2 ? r.json.activities : null);
  }, 'PERMIT_USED at KG');
  assert.deepEqual(acts.map((a) => [a.activity_type, a.country]), [['ENTRANCE', 'UZ'], ['EXIT', 'UZ']]);
  assert.equal((await permitAt(s.kg, s.tok.kg, p.id)).status, 'used');
  const revoke = await s.kg.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: s.tok.kg, body: { reason: 'late' } });
  assert.equal(revoke.status, 422, revoke.text);
  assert.equal(revoke.json.error.code, 'PERMIT_USED');
});

test('replaying a delivered event is refused with EVENT_ALREADY_EXISTS and changes nothing', async () => {
  const out = await s.kg.req('GET', '/api/v1/partners/UZ/outbox?state=delivered', { token: s.tok.kg });
  const ev = out.json.events.find((e) => e.event_type === 'PERMIT_CREATED');
  assert.ok(ev?.jws, 'a delivered PERMIT_CREATED with its proof');
  assert.equal(ev.jws.split('.').length, 2, 'a detached proof: header.signature');
  // sent again, with a doubled slash as a partner configured with a trailing slash would
  const r = await s.uz.req('POST', '/e-permit//events/permit-created', { headers: { authorization: `Bearer ${ev.jws}` }, body: ev.claims });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.status, 'UNPROCESSABLE_ENTITY');
  assert.deepEqual(r.json.details, { errorCode: 'EVENT_ALREADY_EXISTS' });
  const inbox = await s.uz.req('GET', '/api/v1/partners/KG/inbox', { token: s.tok.uz });
  assert.equal(inbox.json.events[0].verdict, 'refused');
  assert.equal(inbox.json.events[0].error_code, 'EVENT_ALREADY_EXISTS');
});

test('the KG QR verifies offline at UZ with kapka verify, and stops once revoked and the trust list is refreshed', async () => {
  const v = await addVehicle(s.kg, s.carrier.token);
  const p = await issue(s.kg, s.carrier.token, { partner: 'UZ', type: 3, vehicle_id: v.id });
  await eventually(() => permitAt(s.uz, s.tok.uz, p.id), 'PERMIT_CREATED at UZ');
  const file = join(s.dir, 'uz-trust.txt');
  const exp = await s.uz.run(['trustlist', 'export', '--output', file]);
  assert.equal(exp.code, 0, exp.stderr);
  // the keys the officer's device ships with: UZ's own and those learnt at the handshake
  const pins = join(s.dir, 'uz-anchors.json');
  assert.equal((await s.uz.run(['trustlist', 'anchors', '--output', pins])).code, 0);
  const verify = (qr) => s.uz.run(['verify', qr, '--trustlist', file, '--anchors', pins]);
  let r = await verify(p.qr);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^VALID  ${p.id}`));
  assert.match(r.stdout, /trust list of UZ, issued .* \(0\.0 h ago\)/);
  // a forged QR (payload changed) is invalid offline too, with the online check's code
  const [h, , sig] = p.qr.split('.');
  const forged = [h, Buffer.from(JSON.stringify({ id: p.id, iat: '01/01/2026', exp: '31/01/2099', pn: 'X', cn: 'Y' })).toString('base64url'), sig].join('.');
  r = await verify(forged);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /BAD_SIGNATURE/);

  const rv = await s.kg.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: s.tok.kg, body: { reason: 'vehicle sold' } });
  assert.equal(rv.status, 200, rv.text);
  await eventually(async () => (await permitAt(s.uz, s.tok.uz, p.id))?.status === 'revoked', 'PERMIT_REVOKED at UZ');
  // the old trust list does not know yet; a refreshed one does
  r = await verify(p.qr);
  assert.equal(r.code, 0);
  assert.equal((await s.uz.run(['trustlist', 'export', '--output', file])).code, 0);
  r = await verify(p.qr);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^INVALID/);
  assert.match(r.stdout, /REVOKED: the permit was revoked or returned/);
  // online at UZ says the same
  const online = await s.uz.req('POST', '/api/v1/verify', { body: { qr: p.qr } });
  assert.deepEqual(online.json.reasons.map((x) => x.code), ['REVOKED']);
  // a trust list that was tampered with is not used at all
  const { readFileSync, writeFileSync } = await import('node:fs');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"revoked_count":', '"revoked_count":1'));
  r = await verify(p.qr);
  assert.equal(r.code, 2);
});

test('UZ is down while KG issues 100 permits; once it is back all 100 arrive, in order, nothing lost', async () => {
  await s.uz.pause();
  const c = await carrierWithFleet(s.kg, 100);
  const ids = [];
  for (const v of c.vehicles) ids.push((await issue(s.kg, c.token, { partner: 'UZ', type: 3, vehicle_id: v.id })).id);
  const waiting = await eventually(async () => {
    const p = await partner(s.kg, s.tok.kg, 'UZ');
    return p.outbox.pending >= 100 && p.outbox.last_error ? p : null;
  }, 'the backlog with its error');
  assert.ok(waiting.outbox.oldest_pending_at);
  await s.uz.resume();
  await eventually(async () => (await partner(s.kg, s.tok.kg, 'UZ')).outbox.pending === 0, 'the backlog delivered', 60000);
  for (const id of ids) assert.ok(await permitAt(s.uz, s.tok.uz, id), `${id} at UZ`);
  // the chain: every applied event names the one applied before it
  const inbox = await s.uz.req('GET', '/api/v1/partners/KG/inbox?limit=1000', { token: s.tok.uz });
  const applied = inbox.json.events.filter((e) => e.verdict === 'applied').reverse();
  assert.equal(applied[0].previous_event_id, '0');
  for (let i = 1; i < applied.length; i++) assert.equal(applied[i].previous_event_id, applied[i - 1].event_id);
  const created = applied.filter((e) => e.event_type === 'PERMIT_CREATED').map((e) => e.claims.permit_id);
  assert.deepEqual(created.slice(-100), ids);
});

test('rotating KG\'s key: UZ learns the new key by KEY_CREATED; old permits verify until the old key is revoked', async () => {
  const v = await addVehicle(s.kg, s.carrier.token);
  const old = await issue(s.kg, s.carrier.token, { partner: 'UZ', type: 3, vehicle_id: v.id });
  const rot = await s.kg.req('POST', '/api/v1/keys', { token: s.tok.kg });
  assert.equal(rot.status, 201, rot.text);
  const newKid = rot.json.key.kid;
  await eventually(async () => (await partner(s.uz, s.tok.uz, 'KG')).keys.some((k) => k.kid === newKid), 'KEY_CREATED at UZ');
  const v2 = await addVehicle(s.kg, s.carrier.token);
  const fresh = await issue(s.kg, s.carrier.token, { partner: 'UZ', type: 3, vehicle_id: v2.id });
  assert.equal(JSON.parse(Buffer.from(fresh.qr.split('.')[0], 'base64url')).kid, newKid);
  for (const p of [old, fresh]) assert.equal((await s.uz.req('POST', '/api/v1/verify', { body: { qr: p.qr } })).json.valid, true);
  const oldKid = JSON.parse(Buffer.from(old.qr.split('.')[0], 'base64url')).kid;
  const inUse = await s.kg.req('POST', `/api/v1/keys/${newKid}/revoke`, { token: s.tok.kg });
  assert.equal(inUse.status, 409);
  const rv = await s.kg.req('POST', `/api/v1/keys/${oldKid}/revoke`, { token: s.tok.kg });
  assert.equal(rv.status, 200, rv.text);
  await eventually(async () => (await partner(s.uz, s.tok.uz, 'KG')).keys.find((k) => k.kid === oldKid)?.revoked_at, 'KEY_REVOKED at UZ');
  const after = await s.uz.req('POST', '/api/v1/verify', { body: { qr: old.qr } });
  assert.deepEqual(after.json.reasons.map((x) => x.code), ['KEY_REVOKED']);
  assert.equal((await s.uz.req('POST', '/api/v1/verify', { body: { qr: fresh.qr } })).json.valid, true);
});

test('quotas and keys received from partners are on the transparency log: kapka log verify passes on both', async () => {
  // by now KG received UZ's keys (handshake) and a quota (QUOTA_CREATED) and rotated its own
  // key; UZ received KG's keys, the new one (KEY_CREATED) and the old one's revocation
  for (const k of [s.kg, s.uz]) {
    const r = await k.run(['log', 'verify']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /OK\n$/);
    const [, quotas, keys] = r.stdout.match(/(\d+) quotas and (\d+) keys checked/);
    assert.ok(Number(quotas) >= 1 && Number(keys) >= 3, r.stdout);
  }
});

test('an Uzbek truck with a UZ->KG permit entering at Dostyk: ENTRANCE on that permit, and UZ receives PERMIT_USED; one without is flagged', async () => {
  // KG grants UZ serials; a UZ carrier gets a permit at UZ; it reaches KG by PERMIT_CREATED
  const q = await s.kg.req('POST', '/api/v1/quotas', {
    token: s.tok.kg, body: { direction: 'inbound', partner: 'UZ', year: YEAR, type: 1, start_number: 1, end_number: 100 },
  });
  assert.equal(q.status, 201, q.text);
  await eventually(async () => {
    const r = await s.uz.req('GET', '/api/v1/quotas?partner=KG', { token: s.tok.uz });
    return r.json.items.find((x) => x.direction === 'outbound' && x.type === 1 && x.end_number === 100);
  }, 'QUOTA_CREATED at UZ');
  const c = await carrierWithFleet(s.uz, 1);
  const p = await issue(s.uz, c.token, { partner: 'KG', type: 1, vehicle_id: c.vehicles[0].id });
  await eventually(() => permitAt(s.kg, s.tok.kg, p.id), 'PERMIT_CREATED at KG').catch(async (e) => {
    throw new Error(`${e.message}: UZ's backlog to KG: ${JSON.stringify((await partner(s.uz, s.tok.uz, 'KG')).outbox)}`);
  });

  const officerKg = await officer(s.kg, s.tok.kg);
  const r = await s.kg.req('POST', '/api/v1/crossings', { token: officerKg, body: {
    checkpoint: 'dostyk', direction: 'entry', vehicle_kind: 'truck', plate: p.plate, vehicle_country: 'UZ', plate_source: 'camera',
    weight_kg: 30000, scan_result: 'clear', radiation_result: 'clear' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.permit.id, p.id);
  assert.deepEqual(r.json.flags, []);
  const here = await s.kg.req('GET', `/api/v1/permits/${p.id}/activities`, { token: s.tok.kg });
  const hereActs = here.json.items ?? here.json.activities;
  assert.deepEqual(hereActs.map((a) => [a.activity_type, a.country]), [['ENTRANCE', 'KG']]);
  const there = await eventually(async () => {
    const a = await s.uz.req('GET', `/api/v1/permits/${p.id}/activities`, { token: s.tok.uz });
    const items = a.json.items ?? a.json.activities;
    return items?.length === 1 ? items : null;
  }, 'PERMIT_USED at UZ');
  assert.equal(there[0].activity_type, 'ENTRANCE');
  assert.equal(there[0].country, 'KG');
  assert.equal((await permitAt(s.uz, s.tok.uz, p.id)).status, 'used');

  const none = await s.kg.req('POST', '/api/v1/crossings', { token: officerKg, body: {
    checkpoint: 'dostyk', direction: 'entry', vehicle_kind: 'truck', plate: '01A999ZZ', vehicle_country: 'UZ' } });
  assert.equal(none.status, 201, none.text);
  assert.ok(none.json.flags.includes('NO_PERMIT'));
  assert.equal(none.json.inspection, true);
});

test('outbox and inbox a page at a time: a full page says where the next (older) one starts', async () => {
  for (const [k, token, path] of [[s.kg, s.tok.kg, '/api/v1/partners/UZ/outbox'], [s.uz, s.tok.uz, '/api/v1/partners/KG/inbox']]) {
    const all = (await k.req('GET', `${path}?limit=1000`, { token })).json;
    assert.ok(all.events.length >= 2, `${path}: ${all.events.length}`);
    assert.equal(all.next_before, undefined, 'the last page says nothing more');
    const first = (await k.req('GET', `${path}?limit=1`, { token })).json;
    assert.equal(first.next_before, first.events[0].id);
    const second = (await k.req('GET', `${path}?limit=1&before=${first.next_before}`, { token })).json;
    assert.equal(second.events[0].id, all.events[1].id);
  }
});
