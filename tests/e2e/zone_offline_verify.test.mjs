// zone_offline_verify.test.mjs: the post's offline checker (web/js/zone-offline.js) gives the
// reasons of the shared table tests/verdict/zone-cases.json, the same table the C unit test
// (tests/unit/domain/test_verdict.c) holds kp_verdict_zone to, so the server and the
// border-zone check page cannot drift apart. The device knows no record, so it gives each
// case's "browser" reasons (those the record alone can tell left out). No server is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from '../lib/kapka.mjs';
import { verifyZoneOffline } from '../../web/js/zone-offline.js';

const table = JSON.parse(readFileSync(`${ROOT}/tests/verdict/zone-cases.json`, 'utf8'));

test('the shared zone table has cases of every kind', () => {
  const codes = new Set(table.cases.flatMap((c) => c.expect));
  for (const code of ['MALFORMED', 'NOT_A_ZONE_PERMIT', 'UNKNOWN_ISSUER', 'UNKNOWN_KEY', 'KEY_REVOKED', 'BAD_SIGNATURE',
    'UNSUPPORTED_ALGORITHM', 'UNSUPPORTED_VERSION', 'EXPIRED', 'NOT_YET_VALID', 'ZONE_NOT_COVERED', 'PASSPORT_MISMATCH',
    'NAME_MISMATCH', 'REVOKED', 'NOT_ACTIVE', 'NOT_FOUND', 'CLAIMS_INCONSISTENT']) {
    assert.ok(codes.has(code), `no case expects ${code}`);
  }
  assert.ok(table.cases.some((c) => c.expect.length === 0), 'no valid case');
});

for (const c of table.cases) {
  test(`zone-offline.js: ${c.name}`, async () => {
    const r = await verifyZoneOffline(c.qr, c.presented, table.keys, (c.now ?? table.now) * 1000);
    assert.deepEqual(r.reasons.map((x) => x.code), c.browser);
    assert.equal(r.valid, c.browser.length === 0);
    assert.equal(r.offline, true);
  });
}

test('zone-offline.js without cached keys checks nothing', async () => {
  const r = await verifyZoneOffline(table.cases[0].qr, table.cases[0].presented, null);
  assert.deepEqual(r.reasons.map((x) => x.code), ['NO_KEYS']);
});
