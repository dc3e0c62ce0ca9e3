// End-to-end tests of the single window (issue 15) and the duty-free EV quota through it:
// an importer's application walked through customs, the Ministry of Economy (asking for
// more) and the registration service (a fee with a signed receipt); a VIN claimed twice;
// a refusal that releases the reservation; 16 concurrent customs approvals for the last
// 10 places; the Kyzyl-Art permission as a second procedure of pure data; what each
// agency may see; bad input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { useServer, assertError, newTraveller, newCarrier, startKapka, stopClean, leafOf } from './lib.mjs';
import {
  yearOf, staffAgencies, newVin, importer, applyEv, stepOf, decide, setYear, yearNow, upload, PDF, PNG, checkDigit,
} from './window_helpers.mjs';

const srv = useServer();
let S; // the agencies' staff

test('setup: the agencies are staffed; both procedures are published as data', async () => {
  const { k } = srv;
  S = await staffAgencies(k);
  const r = await k.req('GET', '/api/v1/window/procedures');
  assert.equal(r.status, 200, r.text);
  const codes = r.json.items.map((p) => p.code).sort();
  assert.deepEqual(codes, ['ev-duty-free', 'kyzyl-art-crossing']);
  const ev = r.json.items.find((p) => p.code === 'ev-duty-free');
  assert.deepEqual(ev.steps.map((s) => [s.code, s.agency]), [['customs', 'customs'], ['economy', 'economy'], ['registration', 'registration'], ['environment', 'environment']]);
  assert.ok(ev.citations.length >= 3);
  const reg = await k.req('GET', '/api/v1/ev-quota');
  const byYear = Object.fromEntries(reg.json.years.map((y) => [y.year, y]));
  assert.equal(byYear[2022].total, 5000);
  assert.equal(byYear[2024].total, 10000);
  assert.deepEqual(byYear[2025].kinds, ['bev']);
  assert.equal(byYear[2026].total, 15000);
  assert.deepEqual(byYear[2026].kinds, ['bev', 'series_hybrid']);
  assert.ok(reg.json.rules.some((x) => x.code === 'no_transfer' && x.source.length > 0));
});

test('an importer walks an application through every agency; the status page shows each step and time', async () => {
  const { k } = srv;
  await setYear(k, S.admin, { day_rule: 'fcfs' });
  const before = await yearNow(k);
  const imp = await importer(k);
  const vins = [newVin(), newVin()];
  const r = await applyEv(k, imp, vins);
  assert.equal(r.status, 201, r.text);
  const app = r.json;
  assert.equal(app.status, 'in_progress');
  assert.deepEqual(app.steps.map((s) => [s.code, s.state]), [['customs', 'ready'], ['economy', 'waiting'], ['registration', 'waiting'], ['environment', 'skipped']]);
  const customs = stepOf(app, 'customs');
  assert.equal(customs.agency.code, 'customs');
  assert.equal(customs.sla_hours, 48);
  assert.ok(customs.seconds_left > 47 * 3600 && customs.seconds_left <= 48 * 3600);
  assert.equal(app.fees.length, 1);
  assert.equal(app.fees[0].amount_som, 1000);

  // customs sees it in its queue, with only the fields its step needs
  const q = await k.req('GET', '/api/v1/window/queue', { token: S.customs.token });
  assert.ok(q.json.items.some((s) => s.id === customs.id), q.text);
  const eq = await k.req('GET', '/api/v1/window/queue', { token: S.economy.token });
  assert.ok(!eq.json.items.some((s) => s.application_id === app.id), 'economy waits for customs');
  const view = await k.req('GET', `/api/v1/window/steps/${customs.id}`, { token: S.customs.token });
  assert.equal(view.status, 200, view.text);
  assert.deepEqual(Object.keys(view.json.application.data).sort(), ['applicant_kind', 'vehicles']);
  assert.deepEqual(view.json.attached.map((d) => d.kind).sort(), ['invoice', 'title']);
  assert.deepEqual(view.json.missing_documents, []);
  assertError(await k.req('GET', `/api/v1/window/steps/${customs.id}`, { token: S.economy.token }), 404, 'not_found');

  // a private note of customs stays with customs
  const note = await k.req('POST', `/api/v1/window/steps/${customs.id}/notes`, { token: S.customs.token, body: { text: 'invoice checked against the declaration' } });
  assert.equal(note.status, 201, note.text);
  const taken = await k.req('POST', `/api/v1/window/steps/${customs.id}/take`, { token: S.customs.token });
  assert.equal(taken.json.state, 'in_progress');
  const ok = await decide(k, S.customs.token, customs.id, 'approve', { reasons: ['declaration in order'] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.effect, 'reserved');
  // the decision's answer names its public leaf (window.approved for this step), as a permit's issue does
  const leaf = await leafOf(k, ok.json.transparency.leaf_index);
  assert.equal(leaf.leaf.kind, 'window.approved');
  assert.equal(leaf.leaf.object, `SW-${app.id}`);
  assert.equal(leaf.leaf.facts.step, 'customs');
  assert.equal(Buffer.from(ok.json.transparency.leaf_hash, 'base64').toString('hex'), leaf.hash);
  assert.equal(taken.json.transparency, undefined, 'taking a step writes no public leaf');
  const mid = await yearNow(k);
  assert.equal(mid.reserved, before.reserved + 2);
  assert.equal(mid.remaining, before.remaining - 2);

  let st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
  assert.equal(st.quota.state, 'reserved');
  assert.equal(stepOf(st, 'economy').state, 'ready');
  assert.equal(stepOf(st, 'registration').state, 'ready');
  assert.ok(!JSON.stringify(st).includes('invoice checked'), 'the applicant never sees an agency note');

  // the ministry asks for more; the applicant answers in the same place; the step resumes
  const eco = stepOf(st, 'economy');
  const ev = await k.req('GET', `/api/v1/window/steps/${eco.id}`, { token: S.economy.token });
  assert.equal(ev.json.notes.length, 0, 'economy does not see customs notes');
  assert.ok('tax_id' in ev.json.application.data);
  const ask = await decide(k, S.economy.token, eco.id, 'ask', { request: 'Send the certificate of registration as a resident' });
  assert.equal(ask.json.state, 'more_info');
  st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
  assert.equal(stepOf(st, 'economy').request, 'Send the certificate of registration as a resident');
  const ans = await k.req('POST', `/api/v1/window/applications/${app.id}/answers`, {
    token: imp.token, body: { step: 'economy', text: 'attached again', documents: [imp.docs[2]] },
  });
  assert.equal(ans.status, 200, ans.text);
  assert.equal(stepOf(ans.json, 'economy').state, 'in_progress');
  assert.equal((await decide(k, S.economy.token, eco.id, 'approve')).status, 200);

  // the registration service cannot approve before its fee is paid
  const regStep = stepOf(st, 'registration');
  assertError(await decide(k, S.registration.token, regStep.id, 'approve'), 409, 'fee_unpaid');
  const fee = st.fees[0];
  const paid = await k.req('POST', `/api/v1/window/fees/${fee.id}/payment`, { token: imp.token, body: { reference: 'KICB-2026-000123' } });
  assert.equal(paid.status, 200, paid.text);
  assert.equal(paid.json.status, 'paid');
  assert.match(paid.json.receipt.qr, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const [h64, p64, s64] = paid.json.receipt.qr.split('.');
  const hdr = JSON.parse(Buffer.from(h64, 'base64url'));
  assert.equal(hdr.typ, 'kapka-sw');
  // the receipt's signature checks with Node's own ES256 verifier and our published key
  const keys = (await k.req('GET', '/api/v1/authorities/KG')).json.keys;
  const jwk = keys.find((x) => x.kid === hdr.kid);
  assert.ok(jwk, `key ${hdr.kid} is published`);
  const pub = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  assert.ok(cryptoVerify('sha256', Buffer.from(`${h64}.${p64}`), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(s64, 'base64url')));
  const claims = JSON.parse(Buffer.from(p64, 'base64url'));
  assert.equal(claims.sm, 1000);
  assert.equal(claims.co, 'registration');
  assert.equal(claims.ap, app.id);
  assertError(await k.req('POST', `/api/v1/window/fees/${fee.id}/payment`, { token: imp.token, body: { reference: 'again' } }), 409, 'not_due');
  const pdf = await fetch(`${k.url}/api/v1/window/fees/${fee.id}/receipt`, { headers: { authorization: `Bearer ${S.registration.token}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const done = await decide(k, S.registration.token, regStep.id, 'approve', { reasons: ['VINs match the titles'] });
  assert.equal(done.status, 200, done.text);

  st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
  assert.equal(st.status, 'approved');
  assert.equal(st.quota.state, 'allocated');
  assert.ok(st.events.some((e) => e.action === 'answered'));
  for (const s of st.steps.filter((x) => x.state === 'approved')) assert.ok(s.decided_at && s.agency.name.en, JSON.stringify(s));
  const after = await yearNow(k);
  assert.equal(after.allocated, before.allocated + 2);
  assert.equal(after.reserved, before.reserved);
  const month = after.months[new Date(k.now() + 6 * 3600e3).getUTCMonth()];
  assert.ok(month.allocated >= 2);

  // anyone can ask whether a VIN holds an allocation; the owner is never named
  const look = await k.req('GET', `/api/v1/ev-quota/vins/${vins[0]}`);
  assert.equal(look.status, 200, look.text);
  assert.equal(look.json.allocated, true);
  assert.equal(look.json.year, yearOf(k));
  assert.ok(!/application|user|owner|tax/.test(Object.keys(look.json).join(',')), look.text);
  const none = await k.req('GET', `/api/v1/ev-quota/vins/${newVin()}`);
  assert.equal(none.json.allocated, false);
  assert.equal(none.json.state, 'none');

  // every decision entered the public log: who decided what, never the applicant's data
  // (the leaf API serves what the latest signed checkpoint covers, and the checkpoint is
  // signed a moment after each commit batch: read until the last decision is covered)
  let leaves = [];
  for (let tries = 0; tries < 50; tries++) {
    leaves = [];
    for (let i = 0; ; i++) {
      const l = await k.req('GET', `/api/v1/transparency/leaves/${i}`);
      if (l.status !== 200) break;
      if (l.text.includes(`SW-${app.id}"`)) leaves.push(l.text);
    }
    if (leaves.filter((x) => x.includes('window.approved')).length >= 4
        && leaves.some((x) => x.includes('window.asked'))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(leaves.some((x) => x.includes('window.approved') && x.includes('"customs"')), leaves.join('\n'));
  assert.ok(leaves.some((x) => x.includes('window.asked') && x.includes('"economy"')));
  assert.equal(leaves.filter((x) => x.includes('window.approved')).length, 4, 'three steps and the application');
  for (const x of leaves) assert.ok(!x.includes(vins[0]) && !x.includes('01234567890123') && !x.includes('declaration in order'), x);

  // and the decision times are published per procedure and agency
  const perf = await k.req('GET', '/api/v1/window/performance');
  const row = perf.json.items.find((x) => x.procedure === 'ev-duty-free' && x.agency === 'customs');
  assert.ok(row && row.decided >= 1 && row.rule_seconds === 48 * 3600 && row.within_rule >= 1, perf.text);
});

test('a VIN claimed twice is refused the second time, naming the first application', async () => {
  const { k } = srv;
  const a = await importer(k);
  const b = await importer(k);
  const vin = newVin();
  const first = await applyEv(k, a, [vin]);
  assert.equal(first.status, 201, first.text);
  const second = await applyEv(k, b, [newVin(), vin]);
  const e = assertError(second, 409, 'vin_claimed');
  assert.equal(e.first_application, first.json.id);
  assert.match(e.message, new RegExp(`${vin}.*application ${first.json.id}`));
  assert.equal(e.fields[0].field, 'data.vehicles[1].vin');
  const mine = await k.req('GET', '/api/v1/window/applications', { token: b.token });
  assert.equal(mine.json.items.length, 0, 'nothing was stored for the refused application');
});

test("the list shows each application's own steps, as its status page does", async () => {
  const { k } = srv;
  await setYear(k, S.admin, { day_rule: 'fcfs' });
  const imp = await importer(k);
  const a = (await applyEv(k, imp, [newVin()])).json;
  const b = (await applyEv(k, imp, [newVin()])).json;
  assert.equal((await decide(k, S.customs.token, stepOf(a, 'customs').id, 'approve')).status, 200);
  const list = await k.req('GET', '/api/v1/window/applications', { token: imp.token });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((x) => x.id), [b.id, a.id]);
  for (const item of list.json.items) {
    const st = (await k.req('GET', `/api/v1/window/applications/${item.id}`, { token: imp.token })).json;
    assert.deepEqual(item.steps, st.steps.map((s) => ({ code: s.code, agency: s.agency.code, state: s.state })));
  }
  assert.notDeepEqual(list.json.items[0].steps, list.json.items[1].steps, 'a decided step shows on its own application only');
});

test('a refusal at one agency releases the reservation and the VINs', async () => {
  const { k } = srv;
  await setYear(k, S.admin, { day_rule: 'fcfs' });
  const imp = await importer(k);
  const vin = newVin();
  const app = (await applyEv(k, imp, [vin])).json;
  const before = await yearNow(k);
  assert.equal((await decide(k, S.customs.token, stepOf(app, 'customs').id, 'approve')).json.effect, 'reserved');
  assert.equal((await yearNow(k)).reserved, before.reserved + 1);
  const st = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
  assertError(await decide(k, S.economy.token, stepOf(st, 'economy').id, 'refuse'), 422, 'invalid_field');
  const no = await decide(k, S.economy.token, stepOf(st, 'economy').id, 'refuse', { reasons: ['the importer is not a permanent resident'] });
  assert.equal(no.status, 200, no.text);
  const end = (await k.req('GET', `/api/v1/window/applications/${app.id}`, { token: imp.token })).json;
  assert.equal(end.status, 'refused');
  assert.equal(end.quota.state, 'released');
  assert.deepEqual(stepOf(end, 'economy').reasons, ['the importer is not a permanent resident']);
  assert.equal(stepOf(end, 'registration').state, 'closed');
  assert.equal(end.fees[0].status, 'cancelled');
  assert.equal((await yearNow(k)).reserved, before.reserved);
  assert.equal((await k.req('GET', `/api/v1/ev-quota/vins/${vin}`)).json.state, 'none');
  // a refused application cannot be decided again
  assertError(await decide(k, S.registration.token, stepOf(end, 'registration').id, 'approve'), 409, 'step_state');
});

test('the applicant withdraws an application; its reservation and VINs are released', async () => {
  const { k } = srv;
  await setYear(k, S.admin, { day_rule: 'fcfs' });
  const imp = await importer(k);
  const vin = newVin();
  const app = (await applyEv(k, imp, [vin])).json;
  const before = await yearNow(k);
  assert.equal((await decide(k, S.customs.token, stepOf(app, 'customs').id, 'approve')).json.effect, 'reserved');
  const other = await importer(k);
  assertError(await k.req('POST', `/api/v1/window/applications/${app.id}/withdrawal`, { token: other.token }), 404, 'not_found');
  const w = await k.req('POST', `/api/v1/window/applications/${app.id}/withdrawal`, { token: imp.token });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.status, 'withdrawn');
  assert.equal(w.json.quota.state, 'released');
  assert.equal((await yearNow(k)).reserved, before.reserved);
  assert.equal((await k.req('GET', `/api/v1/ev-quota/vins/${vin}`)).json.state, 'none');
  assertError(await k.req('POST', `/api/v1/window/applications/${app.id}/withdrawal`, { token: imp.token }), 409, 'step_state');
});

test('16 concurrent customs approvals for the last 10 places allocate exactly 10', async () => {
  const { k } = srv;
  const y = await yearNow(k);
  const imp = await importer(k);
  const apps = [];
  for (let i = 0; i < 16; i++) {
    const r = await applyEv(k, imp, [newVin()]);
    assert.equal(r.status, 201, r.text);
    apps.push(r.json);
  }
  await setYear(k, S.admin, { day_rule: 'fcfs', total: y.allocated + y.reserved + 10 });
  const results = await Promise.all(apps.map((a) => decide(k, S.customs.token, stepOf(a, 'customs').id, 'approve')));
  for (const r of results) assert.equal(r.status, 200, r.text);
  const effects = results.map((r) => r.json.effect);
  assert.equal(effects.filter((e) => e === 'reserved').length, 10, effects.join(','));
  assert.equal(effects.filter((e) => e === 'refused').length, 6);
  const after = await yearNow(k);
  assert.equal(after.remaining, 0);
  assert.equal(after.critical, true);
  const refused = results.find((r) => r.json.effect === 'refused').json;
  assert.match(refused.reasons[0], /quota has 0 places left/);
  await setYear(k, S.admin, { total: 15000 });
});

test('the second procedure, Kyzyl-Art, is pure data: tourism then the border service', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const passport = await upload(k, t.token, 'passport', PNG, 'image/png', 'passport.png');
  assert.equal(passport.status, 201, passport.text);
  const r = await k.req('POST', '/api/v1/window/applications', {
    token: t.token,
    body: {
      procedure: 'kyzyl-art-crossing',
      data: { full_name: 'Anna Schmidt', passport_number: 'C01X00T47', nationality: 'DE', crossing_date: '2026-12-20', direction: 'kg-tj', gbao_permit: 'GBAO-2026-1182' },
      documents: [{ kind: 'passport', id: passport.json.id }],
    },
  });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.steps.map((s) => [s.code, s.agency.code, s.state]), [['tourism', 'tourism', 'ready'], ['border', 'border', 'waiting']]);
  const tour = stepOf(r.json, 'tourism');
  const tv = await k.req('GET', `/api/v1/window/steps/${tour.id}`, { token: S.tourism.token });
  assert.equal(tv.json.attached.length, 1);
  const doc = await fetch(`${k.url}/api/v1/window/documents/${passport.json.id}`, { headers: { authorization: `Bearer ${S.tourism.token}` } });
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('content-type'), 'image/png');
  assert.match(doc.headers.get('content-disposition'), /^attachment/);
  assert.match(doc.headers.get('content-security-policy'), /sandbox/);
  const other = await fetch(`${k.url}/api/v1/window/documents/${passport.json.id}`, { headers: { authorization: `Bearer ${S.customs.token}` } });
  assert.equal(other.status, 404, 'customs has no step needing it');
  assert.equal((await decide(k, S.tourism.token, tour.id, 'approve')).status, 200);
  const st = (await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json;
  const border = stepOf(st, 'border');
  assert.equal(border.state, 'ready');
  assert.equal((await decide(k, S.border.token, border.id, 'approve')).status, 200);
  const end = (await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json;
  assert.equal(end.status, 'approved');
  assert.equal(end.quota, undefined, 'no ledger for this procedure');
  // another applicant cannot see it
  const c = await newCarrier(k);
  assertError(await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: c.token }), 404, 'not_found');
});

test('an administrator defines a new procedure as data; it runs with no new code', async () => {
  const { k } = srv;
  const L = (en) => ({ ky: en, ru: en, en });
  const def = {
    code: 'karkyra-zone-pass', name: L('Karkyra border-zone pass'), summary: L('Two agencies in parallel'),
    applicants: ['traveller'], expires_days: 10,
    fields: [
      { name: 'full_name', type: 'text', max: 80, required: true, label: L('Full name') },
      { name: 'group', type: 'enum', options: ['alone', 'tour'], required: true, label: L('Group') },
    ],
    documents: [],
    steps: [
      { code: 'tourism', agency: 'tourism', role: 'ministry', after: [], sla_hours: 24, label: L('Tourism'), fee: { amount_som: 250, collector: 'tourism' } },
      { code: 'border', agency: 'border', role: 'officer', after: [], sla_hours: 12, label: L('Border'), fields: ['full_name'] },
      { code: 'guide', agency: 'tourism', role: 'ministry', after: ['tourism', 'border'], sla_hours: 6, label: L('Guide'), when: { field: 'group', any_of: ['tour'] } },
    ],
  };
  const put = await k.req('PUT', '/api/v1/window/procedures/karkyra-zone-pass', { token: S.admin, body: def });
  assert.equal(put.status, 200, put.text);
  assertError(await k.req('PUT', '/api/v1/window/procedures/karkyra-zone-pass', { token: S.tourism.token, body: def }), 403, 'forbidden');
  const t = await newTraveller(k);
  const r = await k.req('POST', '/api/v1/window/applications', { token: t.token, body: { procedure: 'karkyra-zone-pass', data: { full_name: 'Anna Schmidt', group: 'tour' } } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.steps.map((s) => [s.code, s.state]), [['tourism', 'ready'], ['border', 'ready'], ['guide', 'waiting']], 'two steps in parallel, one waiting for both');
  const border = stepOf(r.json, 'border');
  const bv = await k.req('GET', `/api/v1/window/steps/${border.id}`, { token: S.border.token });
  assert.deepEqual(Object.keys(bv.json.application.data), ['full_name']);
  assert.equal((await decide(k, S.border.token, border.id, 'approve')).status, 200);
  let st = (await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json;
  assert.equal(stepOf(st, 'guide').state, 'waiting', 'still waits for tourism');
  assertError(await decide(k, S.tourism.token, stepOf(st, 'tourism').id, 'approve'), 409, 'fee_unpaid');
  assert.equal((await k.req('POST', `/api/v1/window/fees/${st.fees[0].id}/payment`, { token: t.token, body: { reference: 'CASH-1' } })).status, 200);
  assert.equal((await decide(k, S.tourism.token, stepOf(st, 'tourism').id, 'approve')).status, 200);
  st = (await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json;
  assert.equal(stepOf(st, 'guide').state, 'ready');
  assert.equal((await decide(k, S.tourism.token, stepOf(st, 'guide').id, 'approve')).status, 200);
  st = (await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json;
  assert.equal(st.status, 'approved');
  // withdrawn from new applications; the one in the register stays readable
  const off = await k.req('PUT', '/api/v1/window/procedures/karkyra-zone-pass', { token: S.admin, body: { ...def, active: false } });
  assert.equal(off.json.active, false);
  assertError(await k.req('POST', '/api/v1/window/applications', { token: t.token, body: { procedure: 'karkyra-zone-pass', data: { full_name: 'A', group: 'alone' } } }), 403, 'forbidden');
  assert.equal((await k.req('GET', `/api/v1/window/applications/${r.json.id}`, { token: t.token })).json.status, 'approved');
  // an EV effect needs vehicles; a step effect needs the procedure's
  const bad = await k.req('PUT', '/api/v1/window/procedures/bad-effect', { token: S.admin, body: { ...def, code: 'bad-effect', effect: 'ev_quota', steps: [{ ...def.steps[0], effect: 'ev_quota.reserve' }] } });
  const be = assertError(bad, 422, 'invalid_field');
  assert.ok(be.fields.some((f) => f.field === 'fields'), bad.text);
});

test('bad input is refused with every problem named, and nothing is stored', async () => {
  const { k } = srv;
  const imp = await importer(k);
  const bad = newVin();
  const wrongCheck = bad.slice(0, 8) + (checkDigit(bad) === '1' ? '2' : '1') + bad.slice(9);
  const r = await applyEv(k, imp, [
    { vin: 'WVWZZZ1KZAW00000O', kind: 'bev', make_model: 'x' },
    { vin: wrongCheck, kind: 'bev', make_model: 'x' },
    { vin: 'WVWZZZ1KZ0W000001', kind: 'bev', make_model: 'x' },
    { vin: newVin(), kind: 'diesel', make_model: 'x' },
  ], { tax_id: '12', permanent_resident: false, colour: 'red' });
  const e = assertError(r, 422, 'invalid_field');
  const fields = e.fields.map((f) => f.field).sort();
  assert.deepEqual(fields, ['data.colour', 'data.permanent_resident', 'data.tax_id', 'data.vehicles[0].vin', 'data.vehicles[1].vin',
    'data.vehicles[2].vin', 'data.vehicles[3].kind'].sort());
  assert.match(e.fields.find((f) => f.field === 'data.vehicles[0].vin').problem, /I, O or Q/);
  assert.match(e.fields.find((f) => f.field === 'data.vehicles[1].vin').problem, /check digit/);
  assert.match(e.fields.find((f) => f.field === 'data.vehicles[2].vin').problem, /model-year/);
  assertError(await k.req('POST', '/api/v1/window/applications', { token: imp.token, body: { procedure: 'nope', data: {} } }), 404, 'not_found');
  assertError(await upload(k, imp.token, 'invoice', Buffer.from('<html><script>alert(1)</script></html>'), 'application/pdf'), 415, 'unsupported_media_type');
  assertError(await upload(k, imp.token, 'invoice', PDF, 'image/png'), 415, 'type_mismatch');
  assertError(await upload(k, imp.token, 'Bad Kind', PDF), 400, 'bad_query');
  assertError(await k.req('GET', '/api/v1/ev-quota/vins/ABC'), 400, 'bad_vin');
  const t = await newTraveller(k);
  assertError(await k.req('POST', '/api/v1/window/applications', {
    token: t.token, body: { procedure: 'ev-duty-free', data: {}, documents: [{ kind: 'invoice', id: imp.docs[0].id }] },
  }), 422, 'invalid_field');
  const foreignDoc = await k.req('POST', '/api/v1/window/applications', {
    token: t.token, body: { procedure: 'ev-duty-free', data: (await import('./window_helpers.mjs')).evForm([newVin()], { applicant_kind: 'person' }), documents: [{ kind: 'invoice', id: imp.docs[0].id }] },
  });
  assertError(foreignDoc, 422, 'invalid_reference');
  assert.equal((await k.req('GET', '/api/v1/window/applications', { token: t.token })).json.items.length, 0);
  // an agency linked to an organisation that does not exist: the field is named, nothing stored
  const ghost = await k.req('PUT', '/api/v1/window/agencies/ghost-agency', { token: S.admin, body: { org_id: 987654321, name_en: 'G', name_ru: 'G', name_ky: 'G' } });
  assert.equal(assertError(ghost, 422, 'invalid_field').fields[0].field, 'org_id');
  assert.ok(!(await k.req('GET', '/api/v1/window/agencies')).json.items.some((a) => a.code === 'ghost-agency'));
  // agencies and applicants cannot do each other's acts
  assertError(await k.req('GET', '/api/v1/window/queue', { token: imp.token }), 403, 'forbidden');
  assertError(await k.req('PUT', `/api/v1/ev-quota/${yearOf(k)}`, { token: S.tourism.token, body: { total: 1, kinds: ['bev'], day_rule: 'fcfs', source: 'x' } }), 403, 'forbidden');
  const below = await k.req('PUT', `/api/v1/ev-quota/${yearOf(k)}`, { token: S.economy.token, body: { total: 0, kinds: ['bev'], day_rule: 'fcfs', source: 'x' } });
  assertError(below, 409, 'below_held');
  // a procedure definition is checked before it is stored
  const p = await k.req('PUT', '/api/v1/window/procedures/test-proc', {
    token: S.admin, body: { code: 'test-proc', name: { ky: 'a', ru: 'b' }, applicants: ['king'], expires_days: 0, fields: [], documents: [], steps: [{ code: 'a', agency: 'nobody', role: 'x', after: ['z'], sla_hours: 0, label: { ky: 'a', ru: 'a', en: 'a' } }] },
  });
  const pe = assertError(p, 422, 'invalid_field');
  for (const f of ['name', 'applicants', 'expires_days', 'steps[0]', 'steps[0].after', 'steps[0].agency']) assert.ok(pe.fields.some((x) => x.field === f), `${f} in ${p.text}`);
});

test('an applicant keeps at most document_max_per_user documents', async () => {
  const k = await startKapka({ env: { KAPKA_DOCUMENT_MAX_PER_USER: '2' } });
  try {
    const t = await newTraveller(k);
    assert.equal((await upload(k, t.token, 'passport')).status, 201);
    assert.equal((await upload(k, t.token, 'gbao', PNG, 'image/png', 'p.png')).status, 201);
    assertError(await upload(k, t.token, 'passport'), 409, 'too_many_documents');
    assert.equal((await k.req('GET', '/api/v1/window/documents', { token: t.token })).json.items.length, 2);
  } finally {
    await stopClean(k);
  }
});

// What a field's pattern asks for is published in ky, ru and en (the pages show it in their
// language); the server's problem is the English; a hint in only some languages is refused.
test('pattern hints: three languages in the definition, the English in the problem, a half-named hint refused', async () => {
  const { k } = srv;
  const art = (await k.req('GET', '/api/v1/window/procedures/kyzyl-art-crossing')).json;
  const hint = art.fields.find((f) => f.name === 'passport_number').pattern_hint;
  assert.deepEqual(Object.keys(hint).sort(), ['en', 'ky', 'ru']);
  assert.match(hint.ru, /латинских букв/);
  const ev = (await k.req('GET', '/api/v1/window/procedures/ev-duty-free')).json;
  assert.match(ev.fields.find((f) => f.name === 'tax_id').pattern_hint.ky, /ПИН\/ИНН/);
  const t = await newTraveller(k);
  const r = await k.req('POST', '/api/v1/window/applications', { token: t.token, body: { procedure: 'kyzyl-art-crossing',
    data: { full_name: 'Anna Schmidt', passport_number: 'c01x', nationality: 'DE', crossing_date: '2027-06-01', direction: 'kg-tj' } } });
  const e = assertError(r, 422, 'invalid_field');
  assert.ok(e.fields.some((f) => f.field === 'data.passport_number' && f.problem === hint.en), r.text);
  const L = (en) => ({ ky: en, ru: en, en });
  const def = { code: 'half-hint', name: L('Half hint'), applicants: ['traveller'], expires_days: 5, documents: [],
    fields: [{ name: 'code', type: 'text', max: 9, pattern: '^[0-9]+$', pattern_hint: { en: 'digits only', ru: 'только цифры' }, required: true, label: L('Code') }],
    steps: [{ code: 'border', agency: 'border', role: 'officer', after: [], sla_hours: 2, label: L('Border') }] };
  const bad = assertError(await k.req('PUT', '/api/v1/window/procedures/half-hint', { token: S.admin, body: def }), 422, 'invalid_field');
  assert.ok(bad.fields.some((f) => f.field === 'fields[0]' && /pattern_hint/.test(f.problem)), JSON.stringify(bad.fields));
  assertError(await k.req('GET', '/api/v1/window/procedures/half-hint', { token: S.admin }), 404, 'not_found');
});
