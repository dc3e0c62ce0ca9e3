// zone-cases.mjs: writes tests/verdict/zone-cases.json, the table of border-zone permit
// credentials and the reasons every checker must give for them: src/domain/verdict.c
// (kp_verdict_zone: the server; tests/unit/domain/test_verdict.c) and the post's offline
// checker (web/js/zone-offline.js; tests/e2e/zone_offline_verify.test.mjs). Each case names
// the record the server holds ("record", null: none); "browser" is what the device says,
// knowing no record (no revocation, no extension). The keys are made afresh on each run; the
// file is committed, so run this only to add or change cases:
//   node tools/zone-cases.mjs > tests/verdict/zone-cases.json
import { authorityKeys, b64, bishkek, jwsMaker, printTable } from './lib/cases.mjs';

const { kg, kgOld, uz, stranger, published } = authorityKeys();
const jws = jwsMaker(kg, 'kapka-bz');

// The checks are made on 31 December 2026 (Bishkek) unless a case says otherwise.
const NOV_30 = bishkek('2026-11-30T12:00:00');
const DEC_1_START = bishkek('2026-12-01T00:00:00');

const permit = (over = {}) => ({ k: 'bz', id: 'KG-BZ-42', nm: 'ASANOV BAKYT', pp: 'AN1234567', nt: 'KG',
  vf: '01/12/2026', vu: '31/12/2026', z: [2, 5], ...over });
const hdr = (over = {}) => ({ alg: 'ES256', kid: 'KG-1', typ: 'kapka-bz', ...over });
const at = (zone, passport = 'AN1234567', surname = 'ASANOV') => ({ passport, surname, zone });
const P = at(2);

// What the server holds of permit 42 (ASANOV BAKYT, AN1234567).
const records = {
  active: { status: 'active', status_reason: null, surname: 'ASANOV', given_names: 'BAKYT', passport_number: 'AN1234567', valid_until: null },
  revoked: { status: 'revoked', status_reason: 'lost', surname: 'ASANOV', given_names: 'BAKYT', passport_number: 'AN1234567', valid_until: null },
  unpaid: { status: 'pending', status_reason: null, surname: 'ASANOV', given_names: 'BAKYT', passport_number: 'AN1234567', valid_until: null },
  extended: { status: 'active', status_reason: null, surname: 'ASANOV', given_names: 'BAKYT', passport_number: 'AN1234567', valid_until: '31/01/2027' },
  other: { status: 'active', status_reason: null, surname: 'ASANOVA', given_names: 'AIDA', passport_number: 'AN1234567', valid_until: null },
};
// Reasons only the server's record can give.
const RECORD_ONLY = ['NOT_FOUND', 'REVOKED', 'NOT_ACTIVE', 'CLAIMS_INCONSISTENT'];

const cases = [
  ['valid, surname given', jws(permit()), P, 'active', []],
  ['valid, no surname, second zone', jws(permit()), at(5, 'an 123 4567', ''), 'active', []],
  ['valid on its first day', jws(permit()), P, 'active', [], { now: DEC_1_START }],
  ['zone not covered', jws(permit()), at(3), 'active', ['ZONE_NOT_COVERED']],
  ['passport and surname differ', jws(permit()), at(2, 'AN7654321', 'ASAN'), 'active', ['PASSPORT_MISMATCH', 'NAME_MISMATCH']],
  ['expired yesterday', jws(permit({ vu: '30/12/2026' })), P, 'active', ['EXPIRED']],
  ['extended on record', jws(permit({ vu: '30/12/2026' })), P, 'extended', [], { browser: ['EXPIRED'] }],
  ['not yet valid', jws(permit()), P, 'active', ['NOT_YET_VALID'], { now: NOV_30 }],
  ['revoked', jws(permit()), P, 'revoked', ['REVOKED']],
  ['not paid', jws(permit()), P, 'unpaid', ['NOT_ACTIVE']],
  ['another person on record', jws(permit()), P, 'other', ['CLAIMS_INCONSISTENT']],
  ['never issued', jws(permit()), P, null, ['NOT_FOUND']],
  ['another authority\'s number', jws(permit({ id: 'UZ-BZ-42' }), { key: uz, header: hdr({ kid: 'UZ-1' }) }), P, 'active', ['UNKNOWN_ISSUER']],
  ['number zero', jws(permit({ id: 'KG-BZ-0' })), P, 'active', ['UNKNOWN_ISSUER']],
  ['number not a number', jws(permit({ id: 'KG-BZ-4x' })), P, 'active', ['UNKNOWN_ISSUER']],
  ['a freight permit', jws(permit({ k: 'eco' })), P, 'active', ['NOT_A_ZONE_PERMIT']],
  ['kind claim missing', jws(permit({ k: undefined })), P, 'active', ['NOT_A_ZONE_PERMIT']],
  ['header of another kind', jws(permit(), { header: hdr({ typ: 'kapka-eco' }) }), P, 'active', ['NOT_A_ZONE_PERMIT']],
  ['dates not dd/MM/yyyy', jws(permit({ vu: '31.12.2026' })), P, 'active', ['MALFORMED']],
  ['an impossible date', jws(permit({ vu: '31/02/2027' })), P, 'active', ['MALFORMED']],
  ['passport claim missing', jws(permit({ pp: undefined })), P, 'active', ['MALFORMED']],
  ['zones not a list', jws(permit({ z: 2 })), P, 'active', ['MALFORMED']],
  ['nationality not a string', jws(permit({ nt: 417 })), P, 'active', ['MALFORMED']],
  ['key not published', jws(permit(), { key: stranger, header: hdr({ kid: 'KG-9' }) }), P, 'active', ['UNKNOWN_KEY']],
  ['key revoked', jws(permit(), { key: kgOld, header: hdr({ kid: 'KG-0' }) }), P, 'active', ['KEY_REVOKED']],
  ['signed by another authority\'s key', jws(permit(), { key: uz, header: hdr() }), P, 'active', ['BAD_SIGNATURE']],
  ['claims changed after signing', jws(permit(), { tamper: permit({ z: [1, 2, 3, 4, 5] }) }), P, 'active', ['BAD_SIGNATURE']],
  ['signature too short', jws(permit(), { sig: b64(Buffer.alloc(32, 1)) }), P, 'active', ['BAD_SIGNATURE']],
  ['alg none', jws(permit(), { header: hdr({ alg: 'none' }), sig: '' }), P, 'active', ['UNSUPPORTED_ALGORITHM']],
  ['alg HS256', jws(permit(), { header: hdr({ alg: 'HS256' }) }), P, 'active', ['UNSUPPORTED_ALGORITHM']],
  ['header with crit', jws(permit(), { header: hdr({ crit: ['vu'] }) }), P, 'active', ['MALFORMED']],
  ['version 1 QR form', jws(permit(), { version: '1' }), P, 'active', []],
  ['version 2', jws(permit(), { version: '2' }), P, 'active', ['UNSUPPORTED_VERSION']],
  ['not a JWS', 'hello', P, 'active', ['MALFORMED']],
  ['five parts', `a.${jws(permit())}.b`, P, 'active', ['MALFORMED']],
  ['payload an array', jws([1, 2]), P, 'active', ['MALFORMED']],
].map(([name, qr, presented, record, expect, extra = {}]) => ({ name, qr, presented, record, expect,
  browser: expect.filter((c) => !RECORD_ONLY.includes(c)), ...extra }));

printTable('Border-zone permit credentials and the reasons every checker gives (tools/zone-cases.mjs)',
  { keys: { self: 'KG', authorities: published }, records, cases });
