// End-to-end tests for border-zone permits (issue 6): the fee by number of zones (one zone
// the one-zone fee, all five the all-zones fee, shown in another currency too), a passport
// expiring mid-trip refused with the reason, group applications, payment signing every
// permit, the one extension (refused the second time and after expiry), the PDF with a
// page per post, and the officer's check against the passport in hand, recorded; freight
// and zone credentials each refused by the other's verifier; bad input stores nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTraveller, assertError, localDate } from './lib.mjs';
import { usePermitServer } from './permits_helpers.test.mjs';

const srv = usePermitServer();

// A civil date `days` from today in Kyrgyzstan (UTC+6), as YYYY-MM-DD.
function day(days) {
  return localDate(days);
}

const person = (over = {}) => ({ surname: 'Dupont', given_names: 'Marie', nationality: 'FR',
  passport_number: '12AB34567', passport_expiry: day(2000), ...over });

function application(over = {}) {
  return { travellers: [person()], date_from: day(10), date_to: day(25), zones: [2], route: ['karkyra'],
    purpose: 'trekking', ...over };
}

async function apply(k, token, body, query = '') {
  return k.req('POST', `/api/v1/zone-permit-applications${query}`, { token, body });
}

async function paid(k, token, body = application()) {
  const r = await apply(k, token, body);
  assert.equal(r.status, 201, r.text);
  const p = await k.req('POST', `/api/v1/zone-permit-applications/${r.json.id}/payment`, { token, body: { reference: 'TX-1' } });
  assert.equal(p.status, 200, p.text);
  return p.json;
}

test('one zone costs the one-zone fee, all five the all-zones fee, two the two-zone fee', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const fees = await k.req('GET', '/api/v1/zone-fees');
  assert.deepEqual(fees.json.items.map((f) => [f.max_zones, f.fee_som]), [[1, 2500], [2, 3500], [5, 5000]]);
  const one = await apply(k, t.token, application());
  assert.equal(one.status, 201, one.text);
  assert.equal(one.json.fee.per_person_som, 2500);
  assert.equal(one.json.status, 'awaiting_payment');
  const route = ['chong-kemin', 'karkyra', 'kol-suu', 'trans-alai', 'batken'];
  const all = await apply(k, t.token, application({ zones: [1, 2, 3, 4, 5], route }), '?currency=KZT');
  assert.equal(all.status, 201, all.text);
  assert.equal(all.json.fee.per_person_som, 5000);
  // 5,000 som at 0.01143 USD/KGS and 0.00207 USD/KZT
  assert.equal(all.json.fee.in_currency.currency, 'KZT');
  assert.equal(all.json.fee.in_currency.amount, (5000 * 0.01143 / 0.00207).toFixed(2));
  const two = await apply(k, t.token, application({ zones: [2, 3], route: [] }));
  assert.equal(two.json.fee.per_person_som, 3500);
  // the ministry changes the table: new applications follow it, earlier ones keep theirs
  const min = srv.tok.ministry;
  const put = await k.req('PUT', '/api/v1/zone-fees', { token: min, body: { items: [{ max_zones: 1, fee_som: 2700 }, { max_zones: 5, fee_som: 5200 }] } });
  assert.equal(put.status, 200, put.text);
  const again = await apply(k, t.token, application({ zones: [2, 3], route: [] }));
  assert.equal(again.json.fee.per_person_som, 5200);
  const old = await k.req('GET', `/api/v1/zone-permit-applications/${one.json.id}`, { token: t.token });
  assert.equal(old.json.fee.per_person_som, 2500);
  await k.req('PUT', '/api/v1/zone-fees', { token: min, body: { items: [{ max_zones: 1, fee_som: 2500 }, { max_zones: 2, fee_som: 3500 }, { max_zones: 5, fee_som: 5000 }] } });
});

test('a passport expiring mid-trip is refused with the reason, and nothing is stored', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const r = await apply(k, t.token, application({ travellers: [person({ passport_expiry: day(15) })] }));
  const e = assertError(r, 422, 'invalid_field');
  const f = e.fields.find((x) => x.field === 'travellers[0].passport_expiry');
  assert.ok(f, r.text);
  assert.match(f.problem, /not after the trip ends on .*the passport must be valid for the whole trip/);
  const list = await k.req('GET', '/api/v1/zone-permit-applications', { token: t.token });
  assert.equal(list.json.items.length, 0);
});

test('what stops people at posts is caught: passport form, dates outside validity, zones and route', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const r = await apply(k, t.token, application({
    travellers: [person({ passport_number: '1234567' }), person({ surname: 'Дюпон', nationality: 'CH', passport_number: 'X1234567' })],
    date_to: day(60), zones: [2, 9], route: ['karkyra', 'chong-kemin', 'atlantis'],
  }));
  const e = assertError(r, 422, 'invalid_field');
  const fields = e.fields.map((x) => x.field).sort();
  for (const want of ['date_to', 'route[1]', 'route[2]', 'travellers[0].passport_number', 'travellers[1].surname', 'zones[1]']) {
    assert.ok(fields.includes(want), `${want} missing in ${r.text}`);
  }
  assert.match(e.fields.find((x) => x.field === 'date_to').problem, /valid until/);
  // bad shapes are field problems, never 5xx
  for (const body of [{}, { travellers: 'x', zones: 'x', route: 5 }, application({ travellers: [] }),
    application({ travellers: [42] }), application({ zones: [1.5] }), application({ date_from: '2026-02-30' })]) {
    const b = await apply(k, t.token, body);
    assertError(b, 422, 'invalid_field');
  }
  const list = await k.req('GET', '/api/v1/zone-permit-applications', { token: t.token });
  assert.equal(list.json.items.length, 0);
});

test('an agency applies for a group: a permit per person, one payment signs them all', async () => {
  const { k } = srv;
  const agency = await newTraveller(k, { full_name: 'Nomad Tours agency' });
  const body = application({ travellers: [person(), person({ surname: 'Muller', given_names: 'Hans', nationality: 'DE', passport_number: 'C01X00T47' })] });
  const r = await apply(k, agency.token, body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.permits.length, 2);
  assert.equal(r.json.fee.total_som, 5000);
  assert.ok(r.json.permits.every((p) => p.qr === null && p.status === 'awaiting_payment'));
  const qr0 = await k.req('GET', `/api/v1/zone-permits/${r.json.permits[0].number}/qr`, { token: agency.token });
  assertError(qr0, 409, 'conflict');
  const pay = await k.req('POST', `/api/v1/zone-permit-applications/${r.json.id}/payment`, { token: agency.token, body: { reference: 'BANK-1', currency: 'USD' } });
  assert.equal(pay.status, 200, pay.text);
  assert.equal(pay.json.status, 'paid');
  assert.equal(pay.json.payment.currency, 'USD');
  assert.equal(pay.json.payment.amount, (5000 * 0.01143).toFixed(2));
  assert.ok(pay.json.permits.every((p) => p.status === 'active' && /^ey/.test(p.qr)));
  const twice = await k.req('POST', `/api/v1/zone-permit-applications/${r.json.id}/payment`, { token: agency.token, body: { reference: 'BANK-2' } });
  assertError(twice, 409, 'conflict');
  // another traveller sees nothing of it
  const other = await newTraveller(k);
  assertError(await k.req('GET', `/api/v1/zone-permit-applications/${r.json.id}`, { token: other.token }), 404, 'not_found');
  assertError(await k.req('GET', `/api/v1/zone-permits/${r.json.permits[0].number}`, { token: other.token }), 404, 'not_found');
  // the payment is audited
  const audit = await k.req('GET', `/api/v1/audit?object_type=zone_application&object_id=${r.json.id}`, { token: srv.tok.auditor });
  assert.ok(audit.json.items.some((a) => a.action === 'zone_application.pay'), audit.text);
});

test('an extension to two months works once and is refused the second time', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const app = await paid(k, t.token, application({ date_from: day(0), date_to: day(5) }));
  const from = app.valid_from;
  // two months from the first day, the day before the same day of the month
  const d = new Date(from + 'T00:00:00Z');
  const limit = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, d.getUTCDate()) - 86400000);
  const limitIso = limit.getUTCDate() === d.getUTCDate() - 1 || d.getUTCDate() === 1 ? limit.toISOString().slice(0, 10) : null;
  const tooLong = await k.req('POST', `/api/v1/zone-permit-applications/${app.id}/extension`, { token: t.token, body: { valid_until: day(80) } });
  assertError(tooLong, 422, 'invalid_field');
  const until = limitIso ?? app.valid_until.replace(/-\d\d$/, '-28');
  const ext = await k.req('POST', `/api/v1/zone-permit-applications/${app.id}/extension`, { token: t.token, body: { valid_until: until } });
  assert.equal(ext.status, 200, ext.text);
  assert.equal(ext.json.valid_until, until);
  assert.equal(ext.json.extended, true);
  const claims = JSON.parse(Buffer.from(ext.json.permits[0].qr.split('.')[1], 'base64url'));
  assert.equal(claims.vu, until.split('-').reverse().join('/'), 'the permit is signed anew with the new end');
  const again = await k.req('POST', `/api/v1/zone-permit-applications/${app.id}/extension`, { token: t.token, body: { valid_until: until } });
  const e = assertError(again, 409, 'conflict');
  assert.match(e.message, /already extended once/);
});

test('the PDF has the original and a copy per post on the route; the QR reads back', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const route = ['chong-kemin', 'karkyra', 'engilchek', 'kol-suu', 'trans-alai', 'batken'];
  const app = await paid(k, t.token, application({ zones: [1, 2, 3, 4, 5], route }));
  const num = app.permits[0].number;
  const r = await fetch(`${k.url}/api/v1/zone-permits/${num}/pdf`, { headers: { authorization: `Bearer ${t.token}` } });
  assert.equal(r.status, 200);
  const pdf = Buffer.from(await r.arrayBuffer());
  const file = join(k.dir, 'zone.pdf');
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file]).toString();
  assert.match(info, new RegExp(`Pages:\\s+${1 + route.length}\\b`));
  const text = execFileSync('pdftotext', ['-f', '3', '-l', '3', file, '-']).toString();
  assert.match(text, /Copy for the post: Каркыра \/ Karkyra/);
  assert.match(text, /12AB34567/);
  const png = await fetch(`${k.url}/api/v1/zone-permits/${num}/qr?format=png`, { headers: { authorization: `Bearer ${t.token}` } });
  const pngFile = join(k.dir, 'zone.png');
  writeFileSync(pngFile, Buffer.from(await png.arrayBuffer()));
  const read = execFileSync('zbarimg', ['-q', '--raw', pngFile]).toString().trim();
  assert.equal(read, app.permits[0].qr);
});

// Issue 13, finding 8: a permit without a route still has a copy for each military post of
// its zones (seed 001: a copy is left at each post; the Naryn zone has five).
test('a permit without a route prints a copy for every post of its zones', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const app = await paid(k, t.token, application({ zones: [3], route: [] }));
  const r = await fetch(`${k.url}/api/v1/zone-permits/${app.permits[0].number}/pdf`, { headers: { authorization: `Bearer ${t.token}` } });
  assert.equal(r.status, 200);
  const file = join(k.dir, 'zone-noroute.pdf');
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const posts = (await k.req('GET', '/api/v1/border-zones')).json.items.find((z) => z.code === 3).places.filter((p) => p.post);
  assert.ok(posts.length >= 5);
  assert.match(execFileSync('pdfinfo', [file]).toString(), new RegExp(`Pages:\\s+${1 + posts.length}\\b`));
  const text = execFileSync('pdftotext', [file, '-']).toString();
  for (const p of posts) assert.ok(text.includes(`Copy for the post: ${p.name.ru} / ${p.name.en}`), p.code);
});

test('an officer verifies against the passport in hand; every check is recorded', async () => {
  const { k, tok } = srv;
  const t = await newTraveller(k);
  const app = await paid(k, t.token, application({ date_from: day(0), date_to: day(10), zones: [2, 3], route: ['karkyra', 'kol-suu'] }));
  const p = app.permits[0];
  const check = (body) => k.req('POST', '/api/v1/zone-permit-checks', { token: tok.officer, body: { qr: p.qr, ...body } });
  const good = await check({ passport_number: '12ab 34567', surname: 'dupont', place: 'karkyra' });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.json.valid, true, good.text);
  assert.equal(good.json.claims.nm, 'DUPONT MARIE');
  const wrongPassport = await check({ passport_number: '12AB34568', place: 'karkyra' });
  assert.deepEqual(wrongPassport.json.reasons.map((x) => x.code), ['PASSPORT_MISMATCH']);
  const wrongZone = await check({ passport_number: '12AB34567', place: 'chong-kemin', surname: 'Schmidt' });
  assert.deepEqual(wrongZone.json.reasons.map((x) => x.code).sort(), ['NAME_MISMATCH', 'ZONE_NOT_COVERED']);
  // a freight permit's QR is not a zone permit, and the freight verifier refuses a zone QR
  const tampered = p.qr.split('.');
  tampered[1] = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(tampered[1], 'base64url')), z: [1, 2, 3, 4, 5] })).toString('base64url');
  const bad = await check({ qr: tampered.join('.'), passport_number: '12AB34567', zone: 1 });
  assert.deepEqual(bad.json.reasons.map((x) => x.code), ['BAD_SIGNATURE']);
  assert.equal(bad.json.claims, null);
  const freight = await k.req('POST', '/api/v1/verify', { body: { qr: p.qr } });
  assert.equal(freight.json.valid, false);
  assert.equal(freight.json.reasons[0].code, 'MALFORMED');
  const checks = await k.req('GET', `/api/v1/zone-permits/${p.number}/checks`, { token: t.token });
  assert.equal(checks.json.items.length, 3, checks.text);
  assert.deepEqual(checks.json.items.map((c) => c.valid), [true, false, false]);
  // revoked by the ministry: refused at the post
  const rev = await k.req('POST', `/api/v1/zone-permits/${p.number}/revoke`, { token: tok.ministry, body: { reason: 'forged group list' } });
  assert.equal(rev.status, 200, rev.text);
  const after = await check({ passport_number: '12AB34567', place: 'kol-suu' });
  assert.deepEqual(after.json.reasons.map((x) => x.code), ['REVOKED']);
  // only officers check
  assertError(await k.req('POST', '/api/v1/zone-permit-checks', { token: t.token, body: { qr: p.qr, passport_number: 'X', zone: 1 } }), 403);
  assertError(await check({ passport_number: '12AB34567' }), 422, 'invalid_field');
  // the place is recorded with the check: an unknown one is refused even beside a zone,
  // and a zone that is not the place's is refused too; neither is recorded
  assertError(await check({ passport_number: '12AB34567', place: 'nowhere', zone: 2 }), 422, 'invalid_field');
  assertError(await check({ passport_number: '12AB34567', place: 'karkyra', zone: 5 }), 422, 'invalid_field');
  const unchanged = await k.req('GET', `/api/v1/zone-permits/${p.number}/checks`, { token: t.token });
  assert.equal(unchanged.json.items.length, 4, unchanged.text);
});

test('reference data: zones are public; the ministry edits formats, rates and places; others may not', async () => {
  const { k, tok } = srv;
  const z = await k.req('GET', '/api/v1/border-zones');
  assert.equal(z.json.items.length, 5);
  assert.ok(z.json.items[2].places.some((p) => p.code === 'torugart' && p.name.ru === 'КПП Торугарт'));
  const fmt = await k.req('PUT', '/api/v1/passport-formats/NL', { token: tok.ministry, body: { pattern: '^[A-Z]{2}[A-Z0-9]{6}[0-9]$', example: 'XN01BC2D3' } });
  assert.equal(fmt.status, 200, fmt.text);
  assertError(await k.req('PUT', '/api/v1/passport-formats/NL', { token: tok.ministry, body: { pattern: '^[A-Z', example: 'X' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/passport-formats/NL', { token: tok.ministry, body: { pattern: '^[0-9]{9}$', example: 'ABC' } }), 422, 'invalid_field');
  // issue 13, finding 7 (seed 000's rates): 3,500 som is 40.005 USD, 40.01 rounded half up;
  // a currency without a rate is a clear error, not a silent omission
  const usd = await k.req('GET', '/api/v1/zone-fees?currency=USD');
  assert.equal(usd.json.items.find((f) => f.max_zones === 2).in_currency.amount, '40.01');
  assertError(await k.req('GET', '/api/v1/zone-fees?currency=EUR'), 422, 'no_rate');
  assertError(await k.req('PUT', '/api/v1/currency-rates/EUR', { token: tok.ministry, body: { usd_per_unit: '-1', source: 'x' } }), 422, 'invalid_field');
  assertError(await k.req('PUT', '/api/v1/currency-rates/EUR', { token: tok.ministry, body: { usd_per_unit: '1.08' } }), 422, 'invalid_field');
  const eur = await k.req('PUT', '/api/v1/currency-rates/EUR', { token: tok.ministry, body: { usd_per_unit: '1.08', source: 'National Bank, official rate', rate_date: '2026-12-01' } });
  assert.equal(eur.status, 200, eur.text);
  const rates = await k.req('GET', '/api/v1/currency-rates');
  const kgs = rates.json.items.find((r) => r.code === 'KGS');
  assert.equal(kgs.rate_date, '2026-02-10');
  assert.match(kgs.source, /seed 000/);
  assert.equal(rates.json.items.find((r) => r.code === 'EUR').source, 'National Bank, official rate');
  assert.equal((await k.req('GET', '/api/v1/zone-fees?currency=EUR')).status, 200);
  assertError(await k.req('PUT', '/api/v1/currency-rates/EUR', { token: tok.officer, body: { usd_per_unit: '2' } }), 403);
  const place = await k.req('PUT', '/api/v1/border-zones/places/inylchek-glacier', { token: tok.ministry, body: { zone: 2, name_en: 'Inylchek glacier', name_ru: 'ледник Иныльчек', name_ky: 'Эңилчек мөңгүсү' } });
  assert.equal(place.status, 200, place.text);
  assertError(await k.req('PUT', '/api/v1/border-zones/places/x1', { token: tok.ministry, body: { zone: 9, name_en: 'a', name_ru: 'b', name_ky: 'c' } }), 422, 'invalid_field');
});
