// offline_verify.test.mjs: the browser's offline checker (web/js/offline-verify.js) gives
// the reasons of the shared table tests/verdict/freight-cases.json, the same table the C
// unit test (tests/unit/domain/test_verdict.c) holds src/domain/verdict.c to, so the
// server, `kapka verify` and the verify page cannot drift apart. No server is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROOT } from '../lib/kapka.mjs';
import { verifyOffline } from '../../web/js/offline-verify.js';

const table = JSON.parse(readFileSync(`${ROOT}/tests/verdict/freight-cases.json`, 'utf8'));

test('the shared table has cases of every kind', () => {
  const codes = new Set(table.cases.flatMap((c) => c.expect));
  for (const code of ['MALFORMED', 'UNKNOWN_ISSUER', 'UNKNOWN_KEY', 'KEY_REVOKED', 'BAD_SIGNATURE',
    'UNSUPPORTED_ALGORITHM', 'UNSUPPORTED_VERSION', 'NOT_FOR_THIS_COUNTRY', 'EXPIRED', 'REVOKED']) {
    assert.ok(codes.has(code), `no case expects ${code}`);
  }
  assert.ok(table.cases.some((c) => c.expect.length === 0), 'no valid case');
});

for (const c of table.cases) {
  test(`offline-verify.js: ${c.name}`, async () => {
    const now = (c.now ?? table.now) * 1000;
    const r = await verifyOffline(c.qr, table.keys, c.here, now, c.utc_offset_minutes ?? table.utc_offset_minutes);
    const want = c.browser ?? c.expect;
    assert.deepEqual(r.reasons.map((x) => x.code), want);
    assert.equal(r.valid, want.length === 0);
    assert.equal(r.offline, true);
    // the claims are shown exactly when the signature held
    assert.equal(r.claims !== null, c.held);
  });
}
