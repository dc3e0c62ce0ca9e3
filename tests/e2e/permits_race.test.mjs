// permits_race.test.mjs: many clients at the same moment, on whichever backend the run
// uses (KAPKA_E2E_BACKEND). The server gets 16 worker threads so that the requests really
// meet in the database. Nothing may be issued twice or beyond a range, and nothing may
// answer 5xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  usePermitServer, newCarrier, addVehicle, carrierWithFleet, apply, issue, createQuota, quotaById, setPermitType, YEAR,
} from './permits_helpers.test.mjs';

const srv = usePermitServer({ args: ['--threads', '16'] });

// Start every request in the same tick and wait for all; each result is {status, json, text}.
async function together(requests) {
  const results = await Promise.all(requests.map((fn) => fn()));
  const fivexx = results.filter((r) => r.status >= 500);
  assert.equal(fivexx.length, 0, `5xx answers: ${fivexx.map((r) => r.text).join('\n')}`);
  return results;
}

const tally = (results) => {
  const t = {};
  for (const r of results) {
    const key = r.status + (r.json?.error?.code ? ' ' + r.json.error.code : '');
    t[key] = (t[key] ?? 0) + 1;
  }
  return t;
};

test('60 carriers race for the last 10 serials: exactly 10 permits, distinct, in range', async () => {
  const { k, tok } = srv;
  // Prepared before the race: 20 carriers with 3 tractors each (sign-in cost is not raced).
  const carriers = await Promise.all(Array.from({ length: 20 }, () => carrierWithFleet(k, 3)));
  const clients = carriers.flatMap((c) => c.vehicles.map((v) => ({ token: c.token, vehicle: v })));
  assert.equal(clients.length, 60);
  const q = await createQuota(k, tok.ministry, { partner: 'MD', type: 1, start_number: 501, end_number: 510, note: 'race' });
  assert.equal(q.usage.remaining, 10);

  const t0 = Date.now();
  const results = await together(clients.map((c) => () => apply(k, c.token, { partner: 'MD', type: 'BILATERAL', vehicle_id: c.vehicle.id })));
  const took = Date.now() - t0;
  const issued = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status !== 201);
  assert.equal(issued.length, 10, `answers: ${JSON.stringify(tally(results))}`);
  for (const r of refused) {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'INSUFFICIENT_PERMIT_QUOTA', r.text);
    assert.equal(r.json.application.status, 'refused', r.text);
  }
  const serials = issued.map((r) => r.json.permit.serial).sort((a, b) => a - b);
  assert.deepEqual(serials, [501, 502, 503, 504, 505, 506, 507, 508, 509, 510]);
  for (const r of issued) assert.equal(r.json.permit.id, `KG-MD-${YEAR}-1-${r.json.permit.serial}`);
  // Each winner got a permit for its own vehicle.
  for (const r of issued) {
    const ap = r.json.application;
    assert.equal(r.json.permit.vehicle_id, ap.vehicle_id);
    assert.equal(r.json.permit.organisation_id, ap.organisation_id);
  }

  const after = await quotaById(k, tok.ministry, q.id);
  assert.equal(after.usage.issued, 10);
  assert.equal(after.usage.remaining, 0);
  const permits = await k.req('GET', '/api/v1/permits?partner=MD&limit=1000', { token: tok.ministry });
  assert.equal(permits.json.items.length, 10, permits.text);
  assert.equal(new Set(permits.json.items.map((p) => p.id)).size, 10);
  const apps = await k.req('GET', '/api/v1/permit-applications?limit=1000', { token: tok.ministry });
  const md = apps.json.items.filter((a) => a.partner === 'MD');
  assert.equal(md.length, 60, 'every application is stored');
  assert.equal(md.filter((a) => a.status === 'issued').length, 10);
  assert.equal(md.filter((a) => a.status === 'refused').length, 50);
  // The winners' credentials are sound.
  const ver = await k.req('POST', '/api/v1/verify', { body: { qr: issued[0].json.permit.qr, country: 'MD' } });
  assert.equal(ver.json.valid, true, ver.text);
  assert.ok(took < 30000, `the race took ${took} ms`);
});

test('one carrier, 8 vehicles at once against holding_limit 2: exactly 2 permits', async () => {
  const { k, tok } = srv;
  await createQuota(k, tok.ministry, { partner: 'GE', type: 3, start_number: 1, end_number: 100 });
  const c = await carrierWithFleet(k, 8);
  const before = (await k.req('GET', '/api/v1/permit-types')).json.items.find((t) => t.code === 3);
  await setPermitType(k, tok.ministry, 3, { holding_limit: 2 });
  try {
    const results = await together(c.vehicles.map((v) => () => apply(k, c.token, { partner: 'GE', type: 3, vehicle_id: v.id })));
    assert.equal(results.filter((r) => r.status === 201).length, 2, JSON.stringify(tally(results)));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'HOLDING_LIMIT', r.text);
    }
  } finally {
    await setPermitType(k, tok.ministry, 3, { holding_limit: before.holding_limit });
  }
});

test('the same vehicle applies 10 times at once: one permit, 9 DUPLICATE_PERMIT', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1);
  const v = c.vehicles[0];
  const results = await together(Array.from({ length: 10 }, () => () => apply(k, c.token, { partner: 'AZ', type: 1, vehicle_id: v.id })));
  assert.equal(results.filter((r) => r.status === 201).length, 1, JSON.stringify(tally(results)));
  for (const r of results.filter((x) => x.status !== 201)) assert.equal(r.json?.error?.code, 'DUPLICATE_PERMIT', r.text);
  const mine = await k.req('GET', '/api/v1/permits', { token: c.token });
  assert.equal(mine.json.items.length, 1);
});

test('10 identical quota ranges at once, 5 rounds: each time one is created, 9 overlap', async () => {
  const { k, tok } = srv;
  for (let round = 0; round < 5; round++) {
    const body = { direction: 'outbound', partner: 'BG', year: YEAR + round, type: 1, start_number: 1, end_number: 40 };
    const results = await together(Array.from({ length: 10 }, () => () => k.req('POST', '/api/v1/quotas', { token: tok.ministry, body })));
    assert.equal(results.filter((r) => r.status === 201).length, 1, `round ${round}: ${JSON.stringify(tally(results))}`);
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'INVALID_QUOTA_INTERVAL', r.text);
    }
    const list = await k.req('GET', `/api/v1/quotas?partner=BG&year=${YEAR + round}`, { token: tok.ministry });
    assert.equal(list.json.items.filter((q) => q.direction === 'outbound').length, 1, list.text);
  }
});

test('return, revoke and a border entry on one permit at once: exactly one wins', async () => {
  const { k, tok } = srv;
  for (let round = 0; round < 3; round++) {
    const c = await carrierWithFleet(k, 1);
    const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id });
    const path = `/api/v1/permits/${p.id}`;
    const reqs = [];
    for (let i = 0; i < 4; i++) {
      reqs.push(() => k.req('POST', `${path}/return`, { token: c.token }));
      reqs.push(() => k.req('POST', `${path}/revoke`, { token: tok.ministry, body: { reason: 'race' } }));
      reqs.push(() => k.req('POST', `${path}/activities`, { token: tok.officer, body: { activity_type: 'ENTRANCE', country: 'UZ', checkpoint: 'Dostyk' } }));
    }
    const results = await together(reqs);
    const won = results.filter((r) => r.status === 200 || r.status === 201);
    assert.equal(won.length, 1, JSON.stringify(tally(results)));
    for (const r of results) assert.ok([200, 201, 409, 422].includes(r.status), r.text);
    const final = (await k.req('GET', path, { token: tok.ministry })).json;
    const acts = (await k.req('GET', `${path}/activities`, { token: tok.ministry })).json.items;
    if (won[0].status === 201) {
      assert.equal(final.status, 'used');
      assert.equal(acts.length, 1);
    } else {
      assert.ok(['returned', 'revoked'].includes(final.status), final.status);
      assert.equal(acts.length, 0);
    }
  }
});

test('10 decisions on one queued application at once (approve and reject mixed): exactly one counts', async () => {
  const { k, tok } = srv;
  const before = (await k.req('GET', '/api/v1/permit-types')).json.items.find((t) => t.code === 2);
  const queued = [];
  await setPermitType(k, tok.ministry, 2, { review: 'always' });
  try {
    for (let round = 0; round < 3; round++) {
      const c = await carrierWithFleet(k, 1);
      const r = await apply(k, c.token, { partner: 'UZ', type: 2, vehicle_id: c.vehicles[0].id });
      assert.equal(r.status, 202, r.text);
      queued.push({ c, app: r.json.application });
    }
  } finally {
    await setPermitType(k, tok.ministry, 2, { review: before.review });
  }
  for (const [round, { c, app }] of queued.entries()) {
    // Round 0: approvals only; rounds 1 and 2: approvals and rejections interleaved.
    const approve = (i) => round === 0 || i % 2 === 0;
    const results = await together(Array.from({ length: 10 }, (_, i) => () => k.req('POST', `/api/v1/permit-applications/${app.id}/decision`, {
      token: tok.ministry, body: { approve: approve(i), reason: `decision ${i}` },
    })));
    const won = results.filter((r) => r.status === 200 || r.status === 201);
    assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(tally(results))}`);
    for (const r of results.filter((x) => x !== won[0])) assert.equal(r.status, 409, `round ${round}: ${r.text}`);
    const stored = (await k.req('GET', `/api/v1/permit-applications/${app.id}`, { token: tok.ministry })).json;
    const permits = (await k.req('GET', '/api/v1/permits', { token: c.token })).json.items;
    const decisions = (await k.req('GET', `/api/v1/audit?object_type=permit_application&object_id=${app.id}`, { token: tok.ministry }))
      .json.items.filter((e) => e.action === 'permit_application.decide');
    assert.equal(decisions.length, 1, `one decision in the audit log: ${JSON.stringify(decisions)}`);
    if (won[0].status === 201) {
      assert.equal(stored.status, 'issued');
      assert.deepEqual(permits.map((p) => p.id), [won[0].json.permit.id]);
    } else {
      assert.equal(stored.status, 'rejected');
      assert.equal(permits.length, 0, `a rejected application has no permit: ${JSON.stringify(permits.map((p) => p.id))}`);
    }
  }
});
