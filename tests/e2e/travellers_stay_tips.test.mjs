// End-to-end tests for the stay calculator and vehicles' temporary imports (issue 6):
// both seed-001 examples through the API with the rule applied named, an EU 90/180 case
// with a rule given in the request, refusals of bad stays; a car entering from Kazakhstan
// pays no ecotax and one entering from China pays the car fee, moving between members
// keeps the TIP, leaving the union and coming back starts a new one, reminders, the
// ecotax payment with its signed receipt.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTraveller, assertError, localDate } from './lib.mjs';
import { usePermitServer } from './permits_helpers.test.mjs';

const srv = usePermitServer();

function day(days) {
  return localDate(days);
}

const calc = (k, body) => k.req('POST', '/api/v1/stay-calculations', { body });

// Seed 001's rule was in force from October 2023 to 30 December 2025: its examples are
// asked on dates of 2024.
test('seed 001 example 1: 60 days used, 60 days outside, then a new 60', async () => {
  const { k } = srv;
  const stays = [{ entry: '2024-03-01', exit: '2024-04-29' }];
  const early = await calc(k, { nationality: 'FR', stays, planned: { entry: '2024-06-28' } });
  assert.equal(early.status, 200, early.text);
  assert.equal(early.json.rule.kind, 'reentry');
  assert.equal(early.json.rule_applied, 'WAIT_FULL_USED');
  assert.equal(early.json.entry_allowed, false);
  assert.equal(early.json.evisa_needed, true);
  assert.equal(early.json.earliest_entry, '2024-06-29');
  assert.equal(early.json.earliest_full_entry, '2024-06-29');
  assert.match(early.json.rule.source, /seed 001/);
  assert.equal(early.json.rule.valid_to, '2025-12-30');
  const ok = await calc(k, { nationality: 'FR', stays, planned: { entry: '2024-06-29' } });
  assert.equal(ok.json.entry_allowed, true);
  assert.equal(ok.json.days_left, 60);
  assert.equal(ok.json.last_legal_day, '2024-08-27');
});

test('seed 001 example 2: 20 days used, 20 days outside, then 40 more', async () => {
  const { k } = srv;
  const r = await calc(k, { nationality: 'CH', stays: [{ entry: '2024-03-01', exit: '2024-03-20' }], planned: { entry: '2024-04-10', exit: '2024-05-25' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.rule_applied, 'WAIT_DAYS_USED');
  assert.equal(r.json.days_used, 20);
  assert.equal(r.json.days_left, 40);
  assert.equal(r.json.last_legal_day, '2024-05-19');
  assert.equal(r.json.overstay_days, 6);
  assert.equal(r.json.evisa_needed, true);
  assert.deepEqual(r.json.window, { start: '2024-03-01', end: '2024-05-19' });
  assert.equal(r.json.earliest_full_entry, '2024-05-20');
});

test('EU 90/180 through the API, and nationalities without a visa-free rule', async () => {
  const { k } = srv;
  const eu = await calc(k, { nationality: 'US', destination: 'EU', stays: [{ entry: '2026-01-10', exit: '2026-01-29' }, { entry: '2026-03-01', exit: '2026-03-30' }], planned: { entry: '2026-05-01', exit: '2026-06-15' } });
  assert.equal(eu.status, 200, eu.text);
  assert.equal(eu.json.rule_applied, 'ROLLING_WINDOW');
  assert.equal(eu.json.days_used, 50);
  assert.equal(eu.json.last_legal_day, '2026-06-09');
  assert.equal(eu.json.overstay_days, 6);
  const given = await calc(k, { nationality: 'FR', rule: { kind: 'rolling', days: 60, window_days: 120 }, stays: [{ entry: '2026-03-01', exit: '2026-03-20' }], planned: { entry: '2026-04-10' } });
  assert.equal(given.json.rule.source, 'request');
  assert.equal(given.json.last_legal_day, '2026-05-19');
  const visa = await calc(k, { nationality: 'ZZ', planned: { entry: '2026-05-01' } });
  assert.equal(visa.json.rule_applied, 'VISA_REQUIRED');
  assert.equal(visa.json.evisa_needed, true);
  const rules = await k.req('GET', '/api/v1/stay-rules?destination=KG');
  assert.ok(rules.json.items.some((r) => r.nationality === 'FR' && r.kind === 'reentry' && r.days === 60));
  // the ministry changes a rule
  const put = await k.req('PUT', '/api/v1/stay-rules/KG/ZZ', { token: srv.tok.ministry, body: { kind: 'reentry', days: 30, source: 'test decree', valid_from: '2026-01-01' } });
  assert.equal(put.status, 200, put.text);
  const now = await calc(k, { nationality: 'ZZ', planned: { entry: '2026-05-01' } });
  assert.equal(now.json.last_legal_day, '2026-05-30');
  assertError(await k.req('PUT', '/api/v1/stay-rules/KG/ZZ', { token: srv.tok.ministry, body: { kind: 'rolling', days: 90, window_days: 90, source: 'x' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/stay-rules/KG/ZZ', { token: srv.tok.ministry, body: { kind: 'reentry', days: 30 } }), 422, 'invalid_field');
});

test('bad stays are field problems', async () => {
  const { k } = srv;
  const cases = [
    { nationality: 'FR' },
    { nationality: 'FR', stays: [{ entry: '2026-03-10', exit: '2026-03-01' }], planned: { entry: '2026-04-01' } },
    { nationality: 'FR', stays: [{ entry: '2026-03-01', exit: '2026-03-20' }], planned: { entry: '2026-03-10' } },
    { nationality: 'FR', stays: [{ entry: '2026-03-01' }, { entry: '2026-04-01', exit: '2026-04-02' }], planned: { entry: '2026-05-01' } },
    { nationality: 'fr', planned: { entry: '2026-02-30' } },
    { nationality: 'FR', stays: 'x', planned: 7 },
    { nationality: 'FR', planned: { entry: '2026-05-01' }, rule: { kind: 'forever' } },
  ];
  for (const body of cases) assertError(await calc(k, body), 422, 'invalid_field');
  assertError(await calc(k, { nationality: 'FR', destination: 'TJ', planned: { entry: '2026-05-01' } }), 404, 'not_found');
});

// Entries from outside the union come through Dostyk from Uzbekistan (open round the
// clock every day); a TIP needs a checkpoint bordering the country left, open that day.
// Each call a plate no earlier call of this file had: the server is shared by the file's
// tests, and a repeated plate would replace another test's open TIP.
let plateSeq = Math.floor(Math.random() * 400);
function vehicle(over = {}) {
  plateSeq += 1;
  return { plate: `AB ${100 + (plateSeq % 900)} CD`, plate_country: 'FR', kind: 'car', owner_name: 'Marie Dupont',
    owner_passport: '12AB34567', entry_checkpoint: 'dostyk', entered_from: 'UZ', entry_date: day(0), term_months: 6, ...over };
}

test('a car entering from Kazakhstan pays no ecotax; one entering from outside the union pays the car fee', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const kz = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ entered_from: 'KZ', entry_checkpoint: 'korday' }) });
  assert.equal(kz.status, 201, kz.text);
  assert.equal(kz.json.tip.ecotax.amount_som, 0);
  assert.equal(kz.json.tip.ecotax.reason, 'FROM_UNION_MEMBER');
  const cn = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle() });
  assert.equal(cn.status, 201, cn.text);
  assert.equal(cn.json.action, 'opened');
  assert.equal(cn.json.tip.ecotax.amount_som, 1000);
  assert.equal(cn.json.tip.ecotax.reason, 'FIRST_UNION_ENTRY');
  const moto = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ kind: 'motorcycle' }) });
  assert.equal(moto.json.tip.ecotax.amount_som, 500);
  const truck = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ kind: 'truck', term_months: 12 }) });
  assert.equal(truck.json.tip.ecotax.amount_som, 2500);
});

test('moving between members keeps the TIP; leaving the union and coming back starts a new one', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const body = vehicle({ entry_date: day(-10) });
  const first = await k.req('POST', '/api/v1/tips', { token: t.token, body });
  const id = first.json.tip.id;
  // pay the ecotax: a receipt with a signed QR
  const pay = await k.req('POST', `/api/v1/tips/${id}/ecotax-payment`, { token: t.token, body: { reference: 'CASH-77' } });
  assert.equal(pay.status, 200, pay.text);
  assert.equal(pay.json.ecotax.paid, true);
  assert.match(pay.json.ecotax.receipt.qr, /^ey/);
  assertError(await k.req('POST', `/api/v1/tips/${id}/ecotax-payment`, { token: t.token, body: { reference: 'again' } }), 409, 'conflict');
  const pdf = await fetch(`${k.url}/api/v1/tips/${id}/ecotax-receipt`, { headers: { authorization: `Bearer ${t.token}` } });
  assert.equal(pdf.status, 200);
  const file = join(k.dir, 'receipt.pdf');
  writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  assert.match(execFileSync('pdftotext', [file, '-']).toString(), /Ecotax receipt/);
  // to Kazakhstan and back: the same TIP
  const out = await k.req('POST', `/api/v1/tips/${id}/exit`, { token: t.token, body: { exit_date: day(-5), exit_checkpoint: 'korday', to_country: 'KZ' } });
  assert.equal(out.json.ended, false);
  const back = await k.req('POST', '/api/v1/tips', { token: t.token, body: { ...body, entered_from: 'KZ', entry_checkpoint: 'korday', entry_date: day(-2) } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.action, 'kept');
  assert.equal(back.json.tip.id, id);
  // to Uzbekistan: the TIP ends; back from there: a new one, the ecotax already paid
  const left = await k.req('POST', `/api/v1/tips/${id}/exit`, { token: t.token, body: { exit_date: day(-1), exit_checkpoint: 'dostyk', to_country: 'UZ' } });
  assert.equal(left.json.ended, true);
  assert.equal(left.json.tip.status, 'closed');
  const again = await k.req('POST', '/api/v1/tips', { token: t.token, body: { ...body, entry_date: day(0) } });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.action, 'opened');
  assert.notEqual(again.json.tip.id, id);
  assert.equal(again.json.tip.ecotax.reason, 'ALREADY_PAID');
  assertError(await k.req('POST', `/api/v1/tips/${id}/exit`, { token: t.token, body: { exit_date: day(0), exit_checkpoint: 'dostyk', to_country: 'UZ' } }), 409, 'conflict');
});

test('reminders before expiry, terms within 6 to 12 months, bad input stores nothing', async () => {
  const { k, tok } = srv;
  const t = await newTraveller(k);
  const soon = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ entry_date: day(-170) }) });
  assert.equal(soon.status, 201, soon.text);
  assert.ok(soon.json.tip.days_left <= 30 && soon.json.tip.reminder_due, soon.text);
  await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ term_months: 12 }) });
  const due = await k.req('GET', '/api/v1/tips?expiring_within=30', { token: t.token });
  assert.deepEqual(due.json.items.map((x) => x.id), [soon.json.tip.id]);
  const all = await k.req('GET', '/api/v1/tips?expiring_within=30', { token: tok.officer });
  assert.ok(all.json.items.some((x) => x.id === soon.json.tip.id));
  const before = (await k.req('GET', '/api/v1/tips', { token: t.token })).json.items.length;
  for (const over of [{ term_months: 5 }, { term_months: 13 }, { kind: 'bus' }, { entered_from: 'KG' }, { entry_date: day(30) },
    { plate: '!' }, { entry_checkpoint: 'a b' }, { vin: 'IOQ' }, { plate_country: 'fr' }]) {
    assertError(await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle(over) }), 422, 'invalid_field');
  }
  assert.equal((await k.req('GET', '/api/v1/tips', { token: t.token })).json.items.length, before);
  assertError(await k.req('GET', '/api/v1/tips?status=maybe', { token: t.token }), 400, 'bad_query');
  const other = await newTraveller(k);
  assertError(await k.req('GET', `/api/v1/tips/${soon.json.tip.id}`, { token: other.token }), 404, 'not_found');
  const fees = await k.req('GET', '/api/v1/ecotax-fees');
  assert.deepEqual(fees.json.customs_union, ['AM', 'BY', 'KG', 'KZ', 'RU']);
});

// Issue 13, finding 2: a TIP is for a foreign vehicle entering the customs union from outside
// it, at a crossing open to that vehicle, once; an unpaid ecotax is not charged again.
test('TIP and ecotax only for a foreign vehicle entering the union at a crossing open to it', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const refused = [
    [{ plate_country: 'KG', entered_from: 'UZ' }, 'NOT_FOREIGN_VEHICLE', 'a Kyrgyz car coming home'],
    [{ plate_country: 'KZ', entered_from: 'KZ', entry_checkpoint: 'korday' }, 'NOT_FOREIGN_VEHICLE', 'a Kazakh car'],
    [{ entered_from: 'CN', entry_checkpoint: 'korday' }, 'NOT_THIS_BORDER', 'Korday does not border China'],
    [{ entered_from: 'UZ', entry_checkpoint: 'izboskan' }, 'CROSSING_CLOSED', 'Izboskan: foot and bicycle only (seed 001)'],
    [{ entered_from: 'TJ', entry_checkpoint: 'karamyk' }, 'CROSSING_CLOSED', 'Karamyk closed'],
    [{ entered_from: 'CN', entry_checkpoint: 'torugart', entry_date: '2026-01-15' }, 'CROSSING_CLOSED', 'Torugart out of season'],
  ];
  const before = (await k.req('GET', '/api/v1/tips', { token: t.token })).json.items.length;
  for (const [over, code, why] of refused) {
    const r = await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle(over) });
    assert.equal(r.status, 422, `${why}: ${r.text}`);
    assert.equal(r.json.error.code, code, why);
  }
  assertError(await k.req('POST', '/api/v1/tips', { token: t.token, body: vehicle({ entry_checkpoint: 'nowhere' }) }), 422, 'invalid_field');
  assert.equal((await k.req('GET', '/api/v1/tips', { token: t.token })).json.items.length, before, 'nothing stored');
  // unpaid ecotax: left unpaid, the car leaves and comes back: not charged a second time
  const body = vehicle({ entry_date: day(-20) });
  const first = await k.req('POST', '/api/v1/tips', { token: t.token, body });
  assert.equal(first.json.tip.ecotax.amount_som, 1000);
  const out = await k.req('POST', `/api/v1/tips/${first.json.tip.id}/exit`, { token: t.token, body: { exit_date: day(-10), exit_checkpoint: 'dostyk', to_country: 'UZ' } });
  assert.equal(out.json.ended, true);
  const back = await k.req('POST', '/api/v1/tips', { token: t.token, body: { ...body, entry_date: day(-5) } });
  assert.equal(back.status, 201, back.text);
  assert.equal(back.json.tip.ecotax.amount_som, 0);
  assert.equal(back.json.tip.ecotax.reason, 'ALREADY_CHARGED');
});
