// ecmr.test.mjs: an e-CMR from draft to delivery: the carrier draws it up, the sender (no
// account) seals through a one-time link, the carrier takes over with reservations, the
// sender accepts them and transfers the right of disposal, the consignee takes delivery;
// acts out of order or twice are refused; a changed document or a broken chain is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';
import { useServer, newCarrier, assertError, kapka, adminToken, leafOf } from './lib.mjs';
import { messageDir, noteBody, partyLink, sealByLink, staffUser } from './ecmr_helpers.mjs';

const dir = messageDir();
const srv = useServer({ env: { KAPKA_MESSAGE_DIR: dir, KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.1' } });

test('a consignment note from draft to delivery, each act sealed in order', async () => {
  const k = srv.k;
  const carrier = await newCarrier(k);
  let r = await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() });
  assert.equal(r.status, 201, r.text);
  const ref = r.json.ref;
  assert.match(ref, /^ECMR-KG-[0-9A-Z]{10}$/);
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.document.carrier.name, carrier.body.company_name);
  assert.equal(r.json.document.goods[1].dangerous_goods.un_number, 'UN1263');
  assert.equal(r.json.plate, '01KG123ABC');

  // the draft may change; the carrier cannot take over before the sender's seal
  r = await k.req('PUT', `/api/v1/ecmr/${ref}`, { token: carrier.token, body: noteBody({ special_agreements: 'Deliver by 10 Dec.' }) });
  assert.equal(r.status, 200, r.text);
  let e = assertError(await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over' } }), 409, 'seal_refused');
  assert.equal(e.reason, 'OUT_OF_ORDER');
  e = assertError(await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'issue' } }), 409, 'seal_refused');
  assert.equal(e.reason, 'ROLE_NOT_ALLOWED');

  // the sender seals the final form through its link, with the code sent to it
  const sender = await partyLink(k, carrier.token, ref, 'sender', dir);
  assert.equal(sender.to, 'ship@oshfruit.kg');
  r = await k.req('GET', `/api/v1/ecmr-links/${sender.token}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.your_role, 'sender');
  assertError(await sealByLink(k, { ...sender, code: sender.code === '000000' ? '111111' : '000000' }, { act: 'issue' }), 403, 'wrong_code');
  r = await sealByLink(k, sender, { act: 'issue' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.consignment.status, 'issued');
  const s1 = r.json.consignment.seals[0];
  assert.equal(s1.role, 'sender');
  assert.equal(s1.custody, 'kapka', 'the seal says kapka holds the key for the sender');
  assert.equal(s1.prev, null);
  assertError(await sealByLink(k, sender, { act: 'issue' }), 410, 'link_used');
  assertError(await k.req('PUT', `/api/v1/ecmr/${ref}`, { token: carrier.token, body: noteBody() }), 409, 'ecmr_sealed');

  // the carrier takes over with reservations; twice is refused
  r = await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over', reservations: 'Two pallets wet.' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.consignment.status, 'in_transit');
  assert.equal(r.json.consignment.carrier_reservations, true);
  assert.equal(r.json.consignment.seals[1].prev, s1.digest, 'each seal names the digest of the one before');
  // the answer names the seal's public leaf (ecmr.seal with this digest), as a permit's issue does
  const tl = r.json.transparency;
  assert.ok(Number.isInteger(tl.leaf_index), r.text);
  const leaf = await leafOf(k, tl.leaf_index);
  assert.equal(leaf.leaf.kind, 'ecmr.seal');
  assert.equal(leaf.leaf.facts.digest, r.json.digest);
  assert.equal(Buffer.from(tl.leaf_hash, 'base64').toString('hex'), leaf.hash);
  e = assertError(await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over' } }), 409, 'seal_refused');
  assert.equal(e.reason, 'ALREADY_SEALED');

  // the consignee may not deliver-transfer the right of disposal it does not hold
  const consignee = await partyLink(k, carrier.token, ref, 'consignee', dir);
  assert.equal(consignee.to, '+7 701 555 1234');
  e = assertError(await sealByLink(k, consignee, { act: 'transfer_disposal' }), 409, 'seal_refused');
  assert.equal(e.reason, 'NOT_DISPOSAL_HOLDER');

  // the sender accepts the reservations, then transfers the right of disposal, once
  r = await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'accept_reservations' });
  assert.equal(r.status, 201, r.text);
  r = await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'transfer_disposal' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.consignment.disposal_holder, 'consignee');
  e = assertError(await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'transfer_disposal' }), 409, 'seal_refused');
  assert.equal(e.reason, 'ALREADY_SEALED');
  e = assertError(await sealByLink(k, consignee, { act: 'transfer_disposal' }), 409, 'seal_refused');
  assert.equal(e.reason, 'DISPOSAL_ALREADY_TRANSFERRED');

  // delivery with the consignee's reservations (the refused attempts did not use the link)
  r = await sealByLink(k, consignee, { act: 'deliver', reservations: 'One drum dented.' });
  assert.equal(r.status, 201, r.text);
  const note = r.json.consignment;
  assert.equal(note.status, 'delivered');
  assert.deepEqual(note.seals.map((s) => `${s.seq}:${s.role}:${s.act}`),
    ['1:sender:issue', '2:carrier:take_over', '3:sender:accept_reservations', '4:sender:transfer_disposal', '5:consignee:deliver']);
  assert.equal(note.seals[4].reservations, 'One drum dented.');
  e = assertError(await sealByLink(k, await partyLink(k, carrier.token, ref, 'consignee', dir), { act: 'deliver' }), 409, 'seal_refused');
  assert.equal(e.reason, 'ALREADY_SEALED');

  r = await k.req('GET', `/api/v1/ecmr/${ref}/verification`, { token: carrier.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.valid, true, r.text);
  assert.equal(r.json.seals, 5);
});

test('a changed document or a broken chain of seals is caught', async () => {
  const k = srv.k;
  const carrier = await newCarrier(k);
  const ref = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() })).json.ref;
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'issue' })).status, 201);
  assert.equal((await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over' } })).status, 201);
  const bundle = (await k.req('GET', `/api/v1/ecmr/${ref}/bundle`, { token: carrier.token })).json;
  assert.equal(bundle.seals.length, 2);
  const check = async (b) => (await k.req('POST', '/api/v1/ecmr-verifications', { body: { bundle: b } })).json;

  assert.equal((await check(bundle)).valid, true);
  const tampered = { ...bundle, document: bundle.document.replace('dried apricots', 'dried apricot') };
  let v = await check(tampered);
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'DOCUMENT_CHANGED');
  assert.equal(v.broken_at, 1);
  v = await check({ ...bundle, seals: [bundle.seals[1], bundle.seals[0]] });
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'WRONG_SEQUENCE');
  v = await check({ ...bundle, seals: [bundle.seals[0]].concat(bundle.seals[1].slice(0, -4) + 'AAAA') });
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'BAD_SIGNATURE');
  assert.equal(v.broken_at, 2);
  v = await check({ ...bundle, seals: [bundle.seals[1]] });
  assert.equal(v.valid, false);
  const bad = (await k.req('POST', '/api/v1/ecmr-verifications', { body: { bundle: { format: 'x' } } }));
  assertError(bad, 422);
});

test('who may see a note, the eFTI identifier query and the authority link', async () => {
  const k = srv.k;
  const carrier = await newCarrier(k);
  const other = await newCarrier(k);
  const plate = '08KG' + String(Date.now() % 1000).padStart(3, '0') + 'ZZZ';
  const r0 = await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody({ transport: { plate, plate_country: 'KG' } }) });
  assert.equal(r0.status, 201, r0.text);
  const ref = r0.json.ref;
  assertError(await k.req('GET', `/api/v1/ecmr/${ref}`, { token: other.token }), 404);
  assertError(await k.req('POST', `/api/v1/ecmr/${ref}/links`, { token: other.token, body: { role: 'sender' } }), 404);
  assert.equal((await k.req('GET', '/api/v1/ecmr', { token: other.token })).json.items.length, 0);

  const officer = await staffUser(k, 'border_service', 'officer', 'Officer Asanov');
  let r = await k.req('GET', `/api/v1/ecmr?plate=${plate}&country=KG`, { token: officer.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => i.ref), [ref]);
  assert.equal((await k.req('GET', `/api/v1/ecmr?plate=${plate}&country=KZ`, { token: officer.token })).json.items.length, 0);
  assertError(await k.req('GET', '/api/v1/ecmr?country=kz', { token: officer.token }), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/ecmr?plate=%00', { token: officer.token }), 400, 'bad_query');

  r = await k.req('POST', `/api/v1/ecmr/${ref}/authority-link`, { token: officer.token });
  assert.equal(r.status, 201, r.text);
  const path = new URL(r.json.url).pathname;
  r = await k.req('GET', path);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ref, ref);
  assertError(await k.req('GET', '/api/v1/ecmr-shared/nope'), 404, 'link_unknown');
  // no security server is configured here: X-Road headers are not trusted from anyone
  assertError(await k.req('GET', `/xroad/v1/ecmr/${ref}`, { headers: { 'X-Road-Client': 'KG/GOV/x/uas' } }), 403, 'not_security_server');
  assertError(await k.req('GET', '/api/v1/ecmr-links/nope'), 404, 'link_unknown');
});

test('bad notes are refused naming every problem, and nothing is stored', async () => {
  const k = srv.k;
  const carrier = await newCarrier(k);
  const body = noteBody({ goods: [{ packages: 0, packaging: '', nature: 'x', gross_weight_kg: -1 }], transport: { plate: '!!', plate_country: 'kg' } });
  delete body.consignee.phone;
  const e = assertError(await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body }), 422);
  const fields = e.fields.map((f) => f.field);
  for (const f of ['goods[0].packages', 'goods[0].packaging', 'goods[0].gross_weight_kg', 'transport.plate', 'transport.plate_country', 'consignee.email'])
    assert.ok(fields.includes(f), `${f} in ${JSON.stringify(e.fields)}`);
  assertError(await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: { goods: 'many' } }), 422);
  assertError(await k.req('POST', '/api/v1/ecmr', { token: carrier.token, raw: '[1]', headers: { 'content-type': 'application/json' } }), 400);
  assert.equal((await k.req('GET', '/api/v1/ecmr', { token: carrier.token })).json.items.length, 0);
  const ref = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() })).json.ref;
  assertError(await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'dance' } }), 422);
  assertError(await k.req('POST', `/api/v1/ecmr/${ref}/links`, { token: carrier.token, body: { role: 'carrier' } }), 422);
  assertError(await k.req('POST', `/api/v1/ecmr/${ref}/seals/external`, { body: { jws: 'a.b.c' } }), 403, 'untrusted_seal');
  assertError(await k.req('GET', '/api/v1/ecmr/ECMR-KG-NOPE', { token: carrier.token }), 404);
});

test('offline: the QR shows goods and seals, a bundle is checked seal by seal against the trust list', async () => {
  const k = srv.k;
  const carrier = await newCarrier(k);
  const ref = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() })).json.ref;
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'issue' })).status, 201);
  assert.equal((await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over', reservations: 'wet' } })).status, 201);
  const officer = await staffUser(k, 'border_service', 'officer', 'Officer Offline');
  const list = await k.req('GET', '/api/v1/trustlist', { token: officer.token });
  assert.equal(list.status, 200, list.text);
  const work = mkdtempSync(join(tmpdir(), 'kapka-ecmr-'));
  const listFile = join(work, 'trust.txt');
  writeFileSync(listFile, list.text);
  // the keys shipped with the officer's device: the trust list is believed only when one signed it
  const pins = join(work, 'anchors.json');
  let r = await k.run(['trustlist', 'anchors', '--output', pins]);
  assert.equal(r.code, 0, r.stderr);
  const verify = (input, opts) => kapka(['ecmr-verify', input, '--trustlist', listFile, '--anchors', pins], opts);

  const qr = (await k.req('GET', `/api/v1/ecmr/${ref}/qr?format=text`, { token: carrier.token })).json.qr;
  r = await verify(qr);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^VALID e-CMR ${ref} \\(in_transit\\)`));
  assert.match(r.stdout, /20 × dried apricots, 12000.5 kg/);
  assert.match(r.stdout, /1\. issue by Osh Dried Fruit LLC \(sender\)/);
  assert.match(r.stdout, /2\. take_over by .* \(carrier\)/);
  const [h, p, s] = qr.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), st: 'delivered' })).toString('base64url');
  r = await verify(`${h}.${forged}.${s}`);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^INVALID/);

  const bundle = (await k.req('GET', `/api/v1/ecmr/${ref}/bundle`, { token: carrier.token })).json;
  const file = join(work, 'bundle.json');
  writeFileSync(file, JSON.stringify(bundle));
  r = await verify(file);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /the document and its 2 seals hold/);
  assert.match(r.stdout, /key held by the platform/);
  writeFileSync(file, JSON.stringify({ ...bundle, document: bundle.document.replace('"packages":20', '"packages":21') }));
  r = await verify(file);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /seal 1: DOCUMENT_CHANGED/);
  writeFileSync(file, JSON.stringify({ ...bundle, seals: [bundle.seals[1]] }));
  r = await verify(file);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /seal 1: (WRONG_SEQUENCE|CHAIN_BROKEN)/);
  r = await kapka(['ecmr-verify', file]);
  assert.equal(r.code, 2);

  // no anchor: a list that carries its own key proves nothing, so nothing is judged
  r = await kapka(['ecmr-verify', qr, '--trustlist', listFile], { env: { KAPKA_TRUST_ANCHORS: '' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /^NOT CHECKED: no trust anchor/);
  assert.match(r.stderr, /a trust list that carries its own key proves nothing/);
  assert.doesNotMatch(r.stdout, /VALID/);
  // an anchor that did not sign the list (a key of another "KG"): refused
  const stranger = join(work, 'stranger.jwk');
  writeFileSync(stranger, JSON.stringify({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'kg-forged', alg: 'ES256' }));
  r = await kapka(['ecmr-verify', qr, '--trustlist', listFile, '--anchors', stranger]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /no pinned key of KG signed it/);
  assert.doesNotMatch(r.stdout, /VALID/);
  // the anchors from the trust_anchors setting (the device's configuration)
  r = await kapka(['ecmr-verify', qr, '--trustlist', listFile], { env: { KAPKA_TRUST_ANCHORS: pins } });
  assert.equal(r.code, 0, r.stdout + r.stderr);

  // the PDF in the CMR layout and the QR image
  r = await k.req('GET', `/api/v1/ecmr/${ref}/pdf`, { token: carrier.token });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/pdf/);
  assert.ok(r.text.startsWith('%PDF-'));
  r = await k.req('GET', `/api/v1/ecmr/${ref}/qr`, { token: officer.token });
  assert.match(r.headers.get('content-type'), /image\/svg\+xml/);
  assertError(await k.req('GET', `/api/v1/ecmr/${ref}/qr?format=gif`, { token: officer.token }), 400, 'bad_query');
  rmSync(work, { recursive: true, force: true });
});

test('a partner platform\'s seal is accepted when its pinned key made it, in the chain\'s order', async () => {
  const k = srv.k;
  // the partner platform: its e-permit configuration with its public key, which kapka pins
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'uz-seal-1', alg: 'ES256', use: 'sig' };
  const uz = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ code: 'UZ', name: 'Uzbekistan', keys: [jwk] })));
  await new Promise((ok) => uz.listen(0, '127.0.0.1', ok));
  const admin = await adminToken(k);
  const p = await k.req('POST', '/api/v1/partners', { token: admin, body: { api_url: `http://127.0.0.1:${uz.address().port}/e-permit` } });
  assert.ok([200, 201].includes(p.status), p.text);
  uz.close();

  const carrier = await newCarrier(k);
  const note = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() })).json;
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const seal = (claims, key = privateKey, kid = 'uz-seal-1') => {
    const input = `${b64({ alg: 'ES256', kid, iss: 'UZ', typ: 'kapka-ecmr-seal' })}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const claims = { ecmr: note.ref, seq: 1, act: 'issue', role: 'sender', party: 'Tashkent Export LLC', doc: note.doc_digest, prev: null, at: Math.floor(Date.now() / 1000), iss: 'UZ' };
  const post = (jws) => k.req('POST', `/api/v1/ecmr/${note.ref}/seals/external`, { body: { jws } });

  let e = assertError(await post(seal(claims, other.privateKey)), 403, 'seal_rejected');
  assert.equal(e.reason, 'BAD_SIGNATURE');
  e = assertError(await post(seal(claims, privateKey, 'uz-unknown')), 403, 'seal_rejected');
  assert.equal(e.reason, 'UNKNOWN_KEY');
  e = assertError(await post(seal({ ...claims, doc: '0'.repeat(64) })), 409, 'seal_rejected');
  assert.equal(e.reason, 'DOCUMENT_CHANGED');
  e = assertError(await post(seal({ ...claims, act: 'deliver', role: 'consignee' })), 409, 'seal_refused');
  assert.equal(e.reason, 'OUT_OF_ORDER');
  let r = await post(seal(claims));
  assert.equal(r.status, 201, r.text);
  const s1 = r.json.consignment.seals[0];
  assert.equal(s1.custody, 'partner');
  assert.equal(s1.issuer, 'UZ');
  assert.equal(r.json.consignment.status, 'issued');
  e = assertError(await post(seal({ ...claims, seq: 2, act: 'accept_reservations', prev: '1'.repeat(64) })), 409, 'seal_rejected');
  assert.equal(e.reason, 'CHAIN_BROKEN');
  assertError(await post(seal(claims)), 409);

  // the carrier's own seal follows it, and the whole chain checks
  assert.equal((await k.req('POST', `/api/v1/ecmr/${note.ref}/seals`, { token: carrier.token, body: { act: 'take_over' } })).status, 201);
  r = await k.req('GET', `/api/v1/ecmr/${note.ref}/verification`, { token: carrier.token });
  assert.equal(r.json.valid, true, r.text);
  assert.equal(r.json.seals, 2);
});
