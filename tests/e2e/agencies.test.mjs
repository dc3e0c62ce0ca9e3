// agencies.test.mjs: the agency exchange end to end: grants by the data owner, e-CMR seals
// and equipment readings delivered as Standard Webhooks that the `standardwebhooks` npm
// verifier (written by others) accepts, v1a Ed25519 beside them, an endpoint that is down for
// a while receiving everything in order afterwards, 410 disabling, dead letters and replay,
// the pull feed, an agency without a grant getting nothing and 403, and X-Road calls
// authorised per client subsystem and logged with their X-Road ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { useServer, newCarrier, assertError, adminToken, logLines, kapka, onSuiteClock, eventually } from './lib.mjs';
import { messageDir, noteBody, partyLink, sealByLink, staffUser } from './ecmr_helpers.mjs';

const dir = messageDir();
const srv = useServer({ env: {
  KAPKA_MESSAGE_DIR: dir, KAPKA_WEBHOOK_POLL_MS: '100', KAPKA_WEBHOOK_RETRY_SCHEDULE: '1,1,1',
  KAPKA_XROAD_SECURITY_SERVERS: '127.0.0.1', KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.1',
} });

// An agency's webhook receiver: answers with mode() and keeps what came.
function receiver() {
  const r = { got: [], mode: () => 200 };
  r.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const status = r.mode();
      r.got.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  return r;
}
const customsRx = receiver(), vetRx = receiver(), goneRx = receiver();
before(async () => {
  for (const r of [customsRx, vetRx, goneRx]) await new Promise((ok) => r.server.listen(0, '127.0.0.1', ok));
});
after(() => { for (const r of [customsRx, vetRx, goneRx]) r.server.close(); });
const urlOf = (r) => `http://127.0.0.1:${r.server.address().port}/hook`;
const waitFor = (what, fn, ms) => eventually(fn, what, ms);

async function agency(k, admin, code, kind, services) {
  let r = await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code, kind, name: code, xroad_member: `KG/GOV/${code}` } });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  r = await k.req('POST', `/api/v1/border-agencies/${id}/subsystems`, { token: admin, body: { code: 'uas', xroad_client: `KG/GOV/${code}/uas` } });
  assert.equal(r.status, 201, r.text);
  for (const service of services) {
    r = await k.req('POST', `/api/v1/border-agencies/${id}/grants`, { token: admin, body: { service } });
    assert.equal(r.status, 201, r.text);
  }
  const member = await staffUser(k, kind === 'customs' ? 'customs' : 'border_service', 'officer', `${code} analyst`);
  r = await k.req('POST', `/api/v1/border-agencies/${id}/members`, { token: admin, body: { user_id: member.user.id } });
  assert.equal(r.status, 201, r.text);
  return { id, member };
}

test('events reach entitled agencies as Standard Webhooks, in order, after an outage, and nowhere else', async () => {
  const k = srv.k;
  const admin = await adminToken(k);
  const customs = await agency(k, admin, 'customs-kg', 'customs', ['ecmr', 'crossings', 'equipment', 'inspections']);
  const vet = await agency(k, admin, 'vet-kg', 'veterinary', []);
  assertError(await k.req('POST', `/api/v1/border-agencies/${vet.id}/grants`, { token: admin, body: { service: 'teleport' } }), 422);
  assertError(await k.req('POST', `/api/v1/border-agencies/${customs.id}/grants`, { token: admin, body: { service: 'ecmr' } }), 409, 'already_granted');

  // endpoints: the secret is shown once; the member registers its agency's own
  let r = await k.req('POST', `/api/v1/border-agencies/${customs.id}/endpoints`, { token: customs.member.token, body: { url: urlOf(customsRx) } });
  assert.equal(r.status, 201, r.text);
  const secret = r.json.secret;
  assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.equal((await k.req('POST', `/api/v1/border-agencies/${vet.id}/endpoints`, { token: vet.member.token, body: { url: urlOf(vetRx) } })).status, 201);
  assertError(await k.req('POST', `/api/v1/border-agencies/${customs.id}/endpoints`, { token: vet.member.token, body: { url: urlOf(vetRx) } }), 404);
  // internal addresses are refused unless exchange_allow_private names them (here: 127.0.0.1 only)
  for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest', `http://[::1]:${customsRx.server.address().port}/hook`, 'http://127.0.0.2/hook']) {
    const e = assertError(await k.req('POST', `/api/v1/border-agencies/${customs.id}/endpoints`, { token: customs.member.token, body: { url } }), 422, 'endpoint_address_private');
    assert.match(e.message, /exchange_allow_private/, url);
  }
  // a host name that does not resolve is refused at once, not kept to fail every delivery
  for (const url of ['https://no-such-host.invalid/hook', 'http://kapka-unknown-agency.invalid:8443/events']) {
    const e = assertError(await k.req('POST', `/api/v1/border-agencies/${customs.id}/endpoints`, { token: customs.member.token, body: { url } }), 400, 'endpoint_host_unknown');
    assert.match(e.message, /\.invalid does not resolve/, url);
  }
  r = await k.req('GET', `/api/v1/border-agencies/${customs.id}`, { token: customs.member.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.endpoints[0].secret, undefined, 'the secret is never shown again');

  // a note sealed by the sender and taken over by the carrier
  const carrier = await newCarrier(k);
  const ref = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody() })).json.ref;
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'issue' })).status, 201);
  assert.equal((await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: carrier.token, body: { act: 'take_over' } })).status, 201);
  await waitFor('three webhooks', () => customsRx.got.length >= 3);

  const wh = new Webhook(secret);
  const keys = (await k.req('GET', '/api/v1/agency-exchange/keys')).json;
  const pub = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(keys.v1a.slice(5), 'base64')]), format: 'der', type: 'spki' });
  const check = (m) => {
    const payload = onSuiteClock(() => wh.verify(m.body, m.headers)); // throws unless v1 verifies
    const v1a = m.headers['webhook-signature'].split(' ').find((s) => s.startsWith('v1a,')).slice(4);
    const signed = Buffer.from(`${m.headers['webhook-id']}.${m.headers['webhook-timestamp']}.${m.body}`);
    assert.ok(edVerify(null, signed, pub, Buffer.from(v1a, 'base64')), 'v1a (Ed25519) verifies with the published key');
    return payload;
  };
  const first = customsRx.got.slice(0, 3).map(check);
  assert.deepEqual(first.map((p) => `${p.type}:${p.data.act}`), ['ecmr.sealed:issue', 'ecmr.sealed:take_over', 'consignment.pre_arrival:take_over']);
  assert.equal(first[0].data.ref, ref);
  assert.throws(() => onSuiteClock(() => wh.verify(customsRx.got[0].body.replace('issue', 'issuf'), customsRx.got[0].headers)), /signature/i, 'a changed body does not verify');
  assert.throws(() => onSuiteClock(() => new Webhook('whsec_' + Buffer.from('another secret!').toString('base64')).verify(customsRx.got[0].body, customsRx.got[0].headers)), /signature/i);

  // the endpoint goes down; acts go on; when it is back it gets everything, in order
  customsRx.mode = () => 503;
  const before = customsRx.got.length;
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, ref, 'sender', dir), { act: 'transfer_disposal' })).status, 201);
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, ref, 'consignee', dir), { act: 'deliver' })).status, 201);
  await waitFor('two failed attempts', () => customsRx.got.length >= before + 2);
  customsRx.mode = () => 200;
  await waitFor('the backlog', () => customsRx.got.filter((m) => m.status === 200).length >= 5);
  const ok = customsRx.got.filter((m) => m.status === 200);
  const seen = new Set();
  const acts = [];
  for (const m of ok) {
    const p = check(m);
    if (seen.has(m.headers['webhook-id'])) continue; // at least once: receivers deduplicate by id
    seen.add(m.headers['webhook-id']);
    if (p.type === 'ecmr.sealed') acts.push(p.data.act);
  }
  assert.deepEqual(acts, ['issue', 'take_over', 'transfer_disposal', 'deliver']);
  const failedIds = customsRx.got.filter((m) => m.status === 503).map((m) => m.headers['webhook-id']);
  assert.ok(failedIds.every((id) => seen.has(id)), 'every failed delivery came again with the same webhook-id');

  // the agency without a grant received nothing and is refused
  assert.equal(vetRx.got.length, 0);
  assertError(await k.req('GET', '/api/v1/agency-feed', { token: vet.member.token }), 403, 'not_granted');
  assertError(await k.req('GET', `/api/v1/ecmr/${ref}`, { token: vet.member.token }), 404);
  assertError(await k.req('GET', `/api/v1/ecmr?plate=01KG123ABC`, { token: vet.member.token }), 403, 'not_granted');
  assertError(await k.req('GET', '/api/v1/agency-feed?service=permits', { token: customs.member.token }), 403, 'not_granted');

  // the pull feed with a cursor
  r = await k.req('GET', '/api/v1/agency-feed?service=ecmr&limit=2', { token: customs.member.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 2);
  const page2 = await k.req('GET', `/api/v1/agency-feed?service=ecmr&after=${r.json.cursor}`, { token: customs.member.token });
  assert.ok(page2.json.items.length >= 3);
  assert.ok(page2.json.items[0].cursor > r.json.cursor);
  assert.equal((await k.req('GET', `/api/v1/ecmr/${ref}`, { token: customs.member.token })).status, 200);

  // a crossing of the note's vehicle: the note references it and customs is told
  const note2 = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody({ transport: { plate: '01KG321CBA', plate_country: 'KG' } }) })).json.ref;
  assert.equal((await sealByLink(k, await partyLink(k, carrier.token, note2, 'sender', dir), { act: 'issue' })).status, 201);
  const officer = await staffUser(k, 'border_service', 'officer', 'Dostyk officer');
  r = await k.req('POST', '/api/v1/crossings', { token: officer.token, body: {
    checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'truck', plate: '01KG321CBA', weight_kg: 30000, scan_result: 'alarm' } });
  assert.equal(r.status, 201, r.text);
  const crossing = r.json.id;
  const crossed = await waitFor('the crossing events', () => {
    const bodies = customsRx.got.filter((m) => m.status === 200).map((m) => JSON.parse(m.body));
    const c = bodies.find((b) => b.type === 'crossing.registered' && b.data.crossing_id === crossing);
    return c && bodies.some((b) => b.type === 'consignment.crossed' && b.data.ref === note2) &&
      bodies.some((b) => b.type === 'inspection.flagged' && b.data.crossing_id === crossing) ? c : null;
  });
  assert.deepEqual(crossed.data.ecmr, [note2]);
  r = await k.req('GET', `/api/v1/ecmr/${note2}`, { token: officer.token });
  assert.deepEqual(r.json.crossings, [crossing]);
  r = await k.req('GET', '/api/v1/inspection-tasks?status=open', { token: customs.member.token });
  assert.ok(r.json.items.some((t) => t.crossing_id === crossing && t.reason === 'SCAN_ALARM' && t.agency === 'customs'));
  assert.ok(r.json.items.every((t) => t.agency === 'customs'), 'a member sees its own agency\'s tasks');
});

test('410 disables an endpoint; dead letters are listed and replayed', async () => {
  const k = srv.k;
  const admin = await adminToken(k);
  // an agency that is an organisation of kapka: its members come from that organisation
  const staffA = await staffUser(k, 'customs', 'officer', 'Customs officer A');
  const staffB = await staffUser(k, 'customs', 'officer', 'Customs officer B');
  const orgA = (await k.req('GET', `/api/v1/users/${staffA.user.id}`, { token: admin })).json.organisation_id;
  assert.ok(orgA > 0);
  let r0 = await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'customs-org', kind: 'customs', name: 'Customs (org)', organisation_id: orgA } });
  assert.equal(r0.status, 201, r0.text);
  assert.equal(r0.json.organisation_id, orgA);
  assertError(await k.req('POST', `/api/v1/border-agencies/${r0.json.id}/members`, { token: admin, body: { user_id: staffB.user.id } }), 422);
  assert.equal((await k.req('POST', `/api/v1/border-agencies/${r0.json.id}/members`, { token: admin, body: { user_id: staffA.user.id } })).status, 201);
  const carrierOrg = (await newCarrier(k)).org.id;
  assertError(await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'bad-org', kind: 'customs', name: 'x', organisation_id: carrierOrg } }), 422);

  const ag = await agency(k, admin, 'phyto-kg', 'phytosanitary', ['equipment', 'inspections']);
  let r = await k.req('POST', `/api/v1/border-agencies/${ag.id}/endpoints`, { token: admin, body: { url: urlOf(goneRx) } });
  const endpoint = r.json.id;
  goneRx.mode = () => 500;
  const officer = await staffUser(k, 'border_service', 'officer', 'Post officer');
  r = await k.req('POST', '/api/v1/equipment-readings', { token: officer.token, body: { checkpoint: 'dostyk', kind: 'weighbridge', plate: '01KG777AAA', value: 52000 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.flag, 'OVERWEIGHT');
  assert.equal(r.json.inspection_agency, 'transport_inspection');
  assert.ok(r.json.inspection_task_id > 0);
  assertError(await k.req('POST', '/api/v1/equipment-readings', { token: officer.token, body: { checkpoint: 'dostyk', kind: 'laser' } }), 422);
  r = await k.req('GET', '/api/v1/inspection-tasks?agency=transport_inspection&status=open', { token: officer.token });
  assert.ok(r.json.items.some((t) => t.reason === 'OVERWEIGHT'));
  const task = r.json.items.find((t) => t.reason === 'OVERWEIGHT').id;
  assertError(await k.req('POST', `/api/v1/inspection-tasks/${task}/close`, { token: ag.member.token, body: { note: 'not ours' } }), 404);
  assertError(await k.req('POST', `/api/v1/inspection-tasks/${task}/close`, { token: officer.token, body: {} }), 422);
  r = await k.req('POST', `/api/v1/inspection-tasks/${task}/close`, { token: officer.token, body: { note: 'Weighed again: 43,800 kg' } });
  assert.equal(r.status, 200, r.text);
  assertError(await k.req('POST', `/api/v1/inspection-tasks/${task}/close`, { token: officer.token, body: { note: 'again' } }), 404);
  r = await k.req('GET', '/api/v1/inspection-tasks?agency=transport_inspection&status=open', { token: officer.token });
  assert.ok(!r.json.items.some((t) => t.id === task));

  // four attempts (the first and three retries) fail: both events go to the dead letters
  const dead = await waitFor('dead letters', async () => {
    const d = await k.req('GET', `/api/v1/border-agencies/${ag.id}/deliveries?status=dead`, { token: ag.member.token });
    return d.json.items.length >= 2 ? d.json.items : null;
  });
  assert.equal(dead[0].attempts, 4);
  assert.equal(dead[0].last_status, 500);
  goneRx.mode = () => 200;
  for (const d of dead) assert.equal((await k.req('POST', `/api/v1/border-agencies/${ag.id}/deliveries/${d.id}/replay`, { token: ag.member.token })).status, 200);
  await waitFor('replayed deliveries', () => goneRx.got.filter((m) => m.status === 200).length >= 2);
  const types = goneRx.got.filter((m) => m.status === 200).map((m) => JSON.parse(m.body).type).sort();
  assert.deepEqual(types, ['equipment.reading', 'inspection.flagged']);

  // 410: the endpoint is disabled and gets nothing more until enabled again
  goneRx.mode = () => 410;
  const n = goneRx.got.length;
  r = await k.req('POST', '/api/v1/equipment-readings', { token: officer.token, body: { checkpoint: 'dostyk', kind: 'radiation', value: 0.05 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.flag, null);
  await waitFor('the 410', () => goneRx.got.length > n);
  r = await waitFor('disabled', async () => {
    const a = await k.req('GET', `/api/v1/border-agencies/${ag.id}`, { token: admin });
    return a.json.endpoints[0].status === 'disabled' ? a : null;
  });
  assert.match(r.json.endpoints[0].disabled_reason, /410/);
  assert.equal((await k.req('PUT', `/api/v1/border-agencies/${ag.id}/endpoints/${endpoint}`, { token: admin, body: { status: 'active' } })).status, 200);
  assertError(await k.req('POST', `/api/v1/border-agencies/${ag.id}/deliveries/999999/replay`, { token: admin }), 404);
});

test('X-Road calls are authorised per client subsystem and service, and logged with their ids', async () => {
  const k = srv.k;
  const admin = await adminToken(k);
  const border = await agency(k, admin, 'border-kg', 'border_service', ['ecmr']);
  await agency(k, admin, 'sanepid-kg', 'sanitary_epidemiological', ['equipment']);
  const carrier = await newCarrier(k);
  const plate = '03KG' + String(Date.now() % 1000).padStart(3, '0') + 'XRD';
  const ref = (await k.req('POST', '/api/v1/ecmr', { token: carrier.token, body: noteBody({ transport: { plate, plate_country: 'KG' } }) })).json.ref;
  const xr = (client, extra = {}) => ({ 'X-Road-Client': client, 'X-Road-Id': 'xrd-' + client.split('/')[2], 'X-Road-UserId': 'KG12345678901', 'X-Road-Issue': 'case-77', ...extra });

  let r = await k.req('GET', `/xroad/v1/ecmr?plate=${plate}&country=KG`, { headers: xr('KG/GOV/sanepid-kg/uas') });
  assertError(r, 403, 'not_granted');
  r = await k.req('GET', `/xroad/v1/ecmr?plate=${plate}&country=KG`, { headers: xr('KG/GOV/border-kg/uas') });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => i.ref), [ref]);
  for (const h of r.headers.keys()) assert.ok(!h.toLowerCase().startsWith('x-road'), `no ${h} on the answer`);
  r = await k.req('GET', `/xroad/v1/ecmr/${ref}`, { headers: xr('KG/GOV/border-kg/uas') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ref, ref);
  assertError(await k.req('GET', `/xroad/v1/ecmr/${ref}`, { headers: xr('KG/GOV/nobody/uas') }), 403, 'not_granted');
  assertError(await k.req('GET', `/xroad/v1/ecmr/${ref}`), 400, 'xroad_client_missing');
  assertError(await k.req('GET', `/xroad/v1/events/equipment`, { headers: xr('KG/GOV/border-kg/uas') }), 403, 'not_granted');
  assert.equal((await k.req('GET', `/xroad/v1/events/equipment`, { headers: xr('KG/GOV/sanepid-kg/uas') })).status, 200);
  assertError(await k.req('GET', `/xroad/v1/events/teleport`, { headers: xr('KG/GOV/sanepid-kg/uas') }), 404);
  const doc = (await k.req('GET', '/xroad/v1/openapi.json')).json;
  assert.ok(doc.openapi.startsWith('3.'));
  assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/xroad/')));

  // consumer mode: kapka calls a service through "our" security server, here a stand-in that
  // forwards /r1/{service id}/{path} to the provider with the X-Road headers it was given
  const ss = http.createServer(async (req, res) => {
    const m = /^\/r1\/([^/]+\/[^/]+\/[^/]+\/[^/]+\/[^/]+)(\/.*)$/.exec(req.url);
    const fwd = {};
    for (const h of ['x-road-client', 'x-road-id', 'x-road-userid', 'x-road-issue']) if (req.headers[h]) fwd[h] = req.headers[h];
    const a = await fetch(k.url + m[2], { headers: fwd });
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(await a.text());
  });
  await new Promise((ok) => ss.listen(0, '127.0.0.1', ok));
  const consumerEnv = { KAPKA_XROAD_CONSUMER_URL: `http://127.0.0.1:${ss.address().port}`, KAPKA_XROAD_CLIENT: 'KG/GOV/border-kg/uas' };
  let c = await kapka(['xroad-call', 'KG/GOV/kapka/ecmr-svc/ecmr', `/xroad/v1/ecmr?plate=${plate}&country=KG`, '--issue', 'case-88'], { env: consumerEnv });
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.equal(JSON.parse(c.stdout).items[0].ref, ref);
  c = await kapka(['xroad-call', 'KG/GOV/kapka/ecmr-svc/ecmr', `/xroad/v1/ecmr?plate=${plate}`], { env: { ...consumerEnv, KAPKA_XROAD_CLIENT: 'KG/GOV/sanepid-kg/uas' } });
  assert.equal(c.code, 1);
  assert.match(c.stdout, /not_granted/);
  c = await kapka(['xroad-call', 'not-a-service-id'], { env: consumerEnv });
  assert.equal(c.code, 2);
  ss.close();
  assert.ok(logLines(k).some((l) => /^x-road ecmr: client KG\/GOV\/border-kg\/uas id kapka-\S+ user - issue case-88: 200$/.test(l.msg || '')));

  const xlog = await k.req('GET', '/api/v1/xroad-log?limit=50', { token: admin });
  assert.equal(xlog.status, 200, xlog.text);
  assert.ok(xlog.json.items.some((x) => x.client === 'KG/GOV/border-kg/uas' && x.xroad_id === 'xrd-border-kg' && x.user_id === 'KG12345678901' && x.issue === 'case-77' && x.status === 200));
  assert.ok(xlog.json.items.some((x) => x.client === 'KG/GOV/sanepid-kg/uas' && x.service === 'ecmr' && x.status === 403));
  assertError(await k.req('GET', '/api/v1/xroad-log', { token: carrier.token }), 403);
  const lines = logLines(k).filter((l) => /^x-road /.test(l.msg || ''));
  assert.ok(lines.some((l) => l.msg.includes('KG/GOV/border-kg/uas') && l.msg.includes('xrd-border-kg') && l.msg.includes('KG12345678901') && l.msg.includes('case-77') && l.msg.endsWith(': 200')));
  assert.ok(lines.some((l) => l.msg.includes('KG/GOV/sanepid-kg/uas') && l.msg.endsWith(': 403')));
});

test('one register of agencies: the single window and the border exchange name the same agency', async () => {
  const k = srv.k;
  const admin = await adminToken(k);
  const win = async () => (await k.req('GET', '/api/v1/window/agencies')).json.items;
  const border = async () => (await k.req('GET', '/api/v1/border-agencies', { token: admin })).json.items;
  // the window's agencies were moved into the register; none is a border agency yet
  const env = (await win()).find((a) => a.code === 'environment');
  assert.ok(env, 'the window lists its agencies');
  assert.equal(env.name.ru, 'Служба экологического контроля');
  assert.equal((await border()).find((a) => a.code === 'environment'), undefined, 'not a border agency yet');
  // the environmental inspection joins the exchange: the same agency, not a second one
  const staff = await staffUser(k, 'ministry', 'ministry', 'Environmental inspector');
  const org = (await k.req('GET', `/api/v1/users/${staff.user.id}`, { token: admin })).json.organisation_id;
  const r = await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'environment', kind: 'sanitary_epidemiological', name: 'Environmental inspection', organisation_id: org } });
  assert.equal(r.status, 201, r.text);
  const both = (await win()).find((a) => a.code === 'environment');
  assert.equal(both.org_id, org, 'the window sees the organisation the exchange gave it');
  assert.equal(both.name.ky, 'Экологиялык көзөмөл кызматы', 'and keeps its names');
  assert.equal((await border()).filter((a) => a.code === 'environment').length, 1);
  assertError(await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'environment', kind: 'customs', name: 'again' } }), 409);
  // a border agency the window then names decides steps under its one code
  const vet = await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'vet-register', kind: 'veterinary', name: 'Veterinary service' } });
  assert.equal(vet.status, 201, vet.text);
  const put = await k.req('PUT', '/api/v1/window/agencies/vet-register', { token: admin, body: { name_en: 'Veterinary service', name_ru: 'Ветеринарная служба', name_ky: 'Ветеринардык кызмат' } });
  assert.equal(put.status, 200, put.text);
  assert.ok((await win()).some((a) => a.code === 'vet-register'));
  assert.equal((await k.req('GET', `/api/v1/border-agencies/${vet.json.id}`, { token: admin })).json.kind, 'veterinary');
});
