// permits_trip.test.mjs: the trip a freight permit carries as the e-permit protocol does
// (departure and arrival countries, the trailer's plate, other claims): a carrier gives
// them when applying, the permit and the application show them, and what does not fit
// the permit type is refused field by field with nothing stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, carrierWithFleet, issue, apply, createQuota, assertError,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

test('a carrier applies with departure, arrival, trailer and other claims; the permit carries them', async () => {
  const { k, tok } = srv;
  await createQuota(k, tok.ministry, { partner: 'TR', type: 2, start_number: 1, end_number: 20 });
  const c = await carrierWithFleet(k, 2);
  const p = await issue(k, c.token, {
    partner: 'TR', type: 'TRANSIT', vehicle_id: c.vehicles[0].id, departure_country: 'KG', arrival_country: 'GE',
    trailer_plate: '01 kg 555-abc', other_claims: { cargo: 'dried apricots', tonnes: 20 },
  });
  assert.equal(p.departure_country, 'KG');
  assert.equal(p.arrival_country, 'GE');
  assert.equal(p.trailer_plate, '01KG555ABC');
  assert.deepEqual(p.other_claims, { cargo: 'dried apricots', tonnes: 20 });
  const again = await k.req('GET', `/api/v1/permits/${p.id}`, { token: c.token });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.trailer_plate, '01KG555ABC');
  const ap = await k.req('GET', `/api/v1/permit-applications/${p.application_id}`, { token: c.token });
  assert.equal(ap.json.departure_country, 'KG');
  assert.equal(ap.json.arrival_country, 'GE');
  assert.equal(ap.json.trailer_plate, '01KG555ABC');
  assert.deepEqual(ap.json.other_claims, { cargo: 'dried apricots', tonnes: 20 });

  // nothing given: from us to the partner, no trailer, no claims
  const d = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[1].id });
  assert.equal(d.departure_country, 'KG');
  assert.equal(d.arrival_country, 'UZ');
  assert.equal(d.trailer_plate, null);
  assert.deepEqual(d.other_claims, {});
});

test('trip fields that do not fit are refused by field, and nothing is stored', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1);
  const base = { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id };
  const cases = [
    [{ departure_country: 'KG' }, 'arrival_country'],
    [{ arrival_country: 'UZ' }, 'departure_country'],
    [{ departure_country: 'kg', arrival_country: 'UZ' }, 'departure_country'],
    [{ departure_country: 'KG', arrival_country: 'KZ' }, 'arrival_country'], // bilateral, not to the partner
    [{ departure_country: 'KG', arrival_country: 'KG' }, 'arrival_country'],
    [{ departure_country: 7, arrival_country: 'UZ' }, 'departure_country'],
    [{ trailer_plate: 'Ж123' }, 'trailer_plate'],
    [{ trailer_plate: 'x'.repeat(500) }, 'trailer_plate'],
    [{ other_claims: 'cargo' }, 'other_claims'],
    [{ other_claims: [1, 2] }, 'other_claims'],
    [{ other_claims: { note: 'y'.repeat(3000) } }, 'other_claims'],
    [{ other_claims: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }, 'other_claims'],
  ];
  for (const [extra, field] of cases) {
    const r = await apply(k, c.token, { ...base, ...extra });
    const err = assertError(r, 422);
    assert.ok(err.fields.some((f) => f.field === field), `${JSON.stringify(extra).slice(0, 80)}: ${r.text}`);
  }
  const list = await k.req('GET', '/api/v1/permit-applications', { token: c.token });
  assert.equal(list.json.items.length, 0);
});
