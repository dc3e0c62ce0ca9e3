// hardening.test.mjs: the smaller findings of the issue "hold under abuse" (item 9 and 8),
// each reproduced first: the permit PDF for a 195-200 character company name, strict ids
// and times, how far back a crossing may be registered, and 409s that name nothing of
// another organisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, newCarrier, addVehicle, issue, assertError } from './permits_helpers.test.mjs';

const srv = usePermitServer();

test('found 8: the permit PDF of a company with a 195 to 200 character name', async () => {
  const { k } = srv;
  const names = [];
  for (const n of [195, 200]) {
    const words = [];
    while (words.join(' ').length < n) words.push('Транспорт');
    names.push(words.join(' ').slice(0, n).trim(), 'W'.repeat(n), 'Ш'.repeat(n), 'WM '.repeat(n).slice(0, n));
  }
  for (const name of names) {
    const c = await newCarrier(k, { company_name: name });
    const v = await addVehicle(k, c.token);
    const permit = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: v.id });
    const r = await fetch(`${k.url}/api/v1/permits/${permit.id}/pdf`, { headers: { authorization: `Bearer ${c.token}` } });
    assert.equal(r.status, 200, await r.clone().text());
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  }
});
