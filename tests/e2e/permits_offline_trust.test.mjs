// permits_offline_trust.test.mjs: `kapka verify` believes a trust list only when a pinned
// key of its issuer signed it (issue 10, item 13). A forger who runs its own "KG" signs both
// a permit and a trust list carrying its own key: with the keys shipped on the officer's
// device the list is refused; without any anchor nothing is judged, and kapka verify says
// why; the genuine list with the genuine anchors says VALID.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKapka, stopClean, demoTokens, carrierWithFleet, issue, intoTheNewYear } from './permits_helpers.test.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kapka-trust-'));
const servers = [];
after(async () => {
  for (const k of servers) await stopClean(k);
  rmSync(dir, { recursive: true, force: true });
});

async function authorityWithPermit(name) {
  const k = await startKapka({ demo: true });
  servers.push(k);
  await intoTheNewYear(k, await demoTokens(k)); // nothing, unless in a year's last seconds
  const c = await carrierWithFleet(k, 1);
  const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id });
  const list = join(dir, `${name}-trust.txt`);
  const pins = join(dir, `${name}-anchors.json`);
  assert.equal((await k.run(['trustlist', 'export', '--output', list])).code, 0);
  const a = await k.run(['trustlist', 'anchors', '--output', pins]);
  assert.equal(a.code, 0, a.stderr);
  return { k, p, list, pins };
}

test('pinned anchors decide whether a trust list is believed', async () => {
  const real = await authorityWithPermit('real');
  const forger = await authorityWithPermit('forger'); // another "KG", with keys of its own
  const verify = (k, qr, list, pins, env) => k.run(['verify', qr, '--trustlist', list, ...(pins ? ['--anchors', pins] : [])], { env });

  // the genuine permit, list and anchors
  let r = await verify(real.k, real.p.qr, real.list, real.pins);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^VALID  ${real.p.id}`));

  // the forged permit with the forger's self-signed list: refused with the real anchors
  r = await verify(real.k, forger.p.qr, forger.list, real.pins);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /no pinned key of KG signed it/);
  assert.doesNotMatch(r.stdout, /VALID/);
  // ... and with none, nothing is judged: the list vouching for itself proves nothing
  r = await verify(real.k, forger.p.qr, forger.list, null);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /^NOT CHECKED: no trust anchor/);
  assert.match(r.stderr, /a trust list that carries its own key proves nothing/);
  // the forged permit against the genuine list: its key is not the real KG's
  r = await verify(real.k, forger.p.qr, real.list, real.pins);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^INVALID/);
  assert.match(r.stdout, /UNKNOWN_KEY|BAD_SIGNATURE/);

  // the anchors from the trust_anchors setting (shipped in the device's configuration)
  r = await verify(real.k, real.p.qr, real.list, null, { KAPKA_TRUST_ANCHORS: real.pins });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // anchors that are not anchors
  const junk = join(dir, 'junk.json');
  writeFileSync(junk, '{"hello": 1}');
  r = await verify(real.k, real.p.qr, real.list, junk);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /holds no trust anchors/);
});
