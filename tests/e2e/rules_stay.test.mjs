// The stay calculator answers by the rule in force on each date (issue 13, finding 1): for
// 60+ nationalities across every group of Cabinet resolution No. 855 (in force since
// 31 December 2025: 30/60 for the annex states, 90/180 for the EAEU and for Serbia, Turkey,
// Ukraine and Mongolia, 60/120 for Uzbekistan, 180/360 for the Gulf states, 60 days for a UN
// laissez-passer) and before it (seed 001's 60-day re-entry rule of October 2023 to
// December 2025), a first stay starting on 1 May 2024 and on 1 May 2026; every answer names
// its rule's source. A stay crossing the change is judged day by day.
import test from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer } from './permits_helpers.test.mjs';

const srv = usePermitServer();
const calc = (k, body) => k.req('POST', '/api/v1/stay-calculations', { body });
const plus = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

const ANNEX = 'AU AT BE BA VA GB HU DE NL GR DK IL IE IS ES IT CA KR LV LT LI LU MY MT MC NZ NO PL PT RO SM SG SK SI US FI FR HR ME CZ CH SE EE JP AL AD BG VN CY MX MK TH BN BR'.split(' ');
const GULF = ['SA', 'AE', 'QA', 'KW', 'OM', 'BH'];
// nationality → [days allowed from 1 May 2024 (null: visa), from 1 May 2026]
const CASES = {
  ...Object.fromEntries(ANNEX.map((c) => [c, [60, 30]])),
  ...Object.fromEntries(['AM', 'BY', 'KZ', 'RU'].map((c) => [c, [90, 90]])),
  RS: [90, 90], UA: [90, 90], MN: [90, 90], TR: [60, 90],
  UZ: [60, 60],
  ...Object.fromEntries(GULF.map((c) => [c, [60, 180]])),
  UN: [null, 60],
  CN: [null, null], IN: [null, null], AF: [null, null],
};

test('the rule in force on the day: 70 nationalities before and after 31 December 2025', async () => {
  const { k } = srv;
  assert.ok(Object.keys(CASES).length >= 40);
  for (const [nat, [before, after]] of Object.entries(CASES)) {
    for (const [entry, days] of [['2024-05-01', before], ['2026-05-01', after]]) {
      const r = await calc(k, { nationality: nat, planned: { entry } });
      assert.equal(r.status, 200, `${nat} ${entry}: ${r.text}`);
      assert.ok(r.json.rule.source && r.json.rule.source.length > 5, `${nat} ${entry}: the rule names its source`);
      if (days === null) {
        assert.equal(r.json.evisa_needed, true, `${nat} ${entry}: a visa`);
        assert.equal(r.json.last_legal_day, null);
      } else {
        assert.equal(r.json.entry_allowed, true, `${nat} ${entry}`);
        assert.equal(r.json.last_legal_day, plus(entry, days - 1), `${nat} ${entry}: ${days} days (${r.json.rule.kind} ${r.json.rule.days})`);
        assert.equal(r.json.earliest_full_entry, entry);
      }
      if (entry >= '2025-12-31' && days !== null) assert.match(r.json.rule.source, /No\. 855/, `${nat}: resolution No. 855`);
    }
  }
  const kg = await calc(k, { nationality: 'KG', planned: { entry: '2026-05-01' } });
  assert.equal(kg.json.rule_applied, 'UNLIMITED');
});

test('a stay crossing 31 December 2025 is judged day by day; the earliest full new stay is given', async () => {
  const { k } = srv;
  const r = await calc(k, { nationality: 'DE', planned: { entry: '2025-12-20', exit: '2026-01-25' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.rule.kind, 'reentry');
  assert.equal(r.json.rule.valid_to, '2025-12-30');
  assert.equal(r.json.last_legal_day, '2026-01-18', 'the new 30/60 rule ends the stay after 30 days');
  assert.equal(r.json.overstay_days, 7);
  assert.equal(r.json.last_day_rule.kind, 'rolling');
  assert.equal(r.json.last_day_rule.valid_from, '2025-12-31');
  assert.match(r.json.last_day_rule.source, /No\. 855/);
  const gulf = await calc(k, { nationality: 'QA', planned: { entry: '2025-12-01' } });
  assert.equal(gulf.json.last_legal_day, '2026-05-29', '180 in 360 from 31 December lets the stay go on');
  // 10 days in January 2026: a one-day entry at once, a full 30-day stay from 10 February
  const full = await calc(k, { nationality: 'FR', stays: [{ entry: '2026-01-01', exit: '2026-01-10' }], planned: { entry: '2026-01-20' } });
  assert.equal(full.json.last_legal_day, '2026-02-08');
  assert.equal(full.json.earliest_entry, '2026-01-11');
  assert.equal(full.json.earliest_full_entry, '2026-02-10');
  const rules = await k.req('GET', '/api/v1/stay-rules?destination=KG&nationality=FR');
  assert.deepEqual(rules.json.items.map((x) => [x.kind, x.valid_from, x.valid_to]), [['reentry', '2023-10-01', '2025-12-30'], ['rolling', '2025-12-31', null]]);
  const on = await k.req('GET', '/api/v1/stay-rules?destination=KG&on=2026-06-01');
  assert.ok(on.json.items.length >= 70 && on.json.items.every((x) => x.valid_from <= '2026-06-01'));
});
