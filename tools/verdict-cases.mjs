// verdict-cases.mjs: writes tests/verdict/freight-cases.json, the table of freight-permit
// credentials and the reasons every checker must give for them: src/domain/verdict.c (the
// server and `kapka verify`; tests/unit/domain/test_verdict.c) and the browser's offline
// checker (web/js/offline-verify.js; tests/e2e/offline_verify.test.mjs). A case's "now" and
// "utc_offset_minutes" (the checking border's) replace the table's. The keys are made
// afresh on each run; the file is committed, so run this only to add or change cases:
//   node tools/verdict-cases.mjs > tests/verdict/freight-cases.json
import { authorityKeys, b64, bishkek, enc, jwsMaker, printTable } from './lib/cases.mjs';

const { kg, kgOld, uz, stranger, published } = authorityKeys();
const jws = jwsMaker(kg);

// 1 February 2027 and 1 January 2027, 00:00 in Bishkek (the table's own moment is 31 December).
const FEB_FIRST = bishkek('2027-02-01T00:00:00');
const NEW_YEAR = bishkek('2027-01-01T00:00:00');

const permit = (over = {}) => ({ id: 'KG-UZ-2026-1-1', iat: '01/12/2026', exp: '31/12/2026', pn: '01KG123ABC',
  cn: 'Ala-Too Trans', ...over });

const cases = [
  ['valid on its last day', jws(permit()), 'KG', []],
  ['valid at the verifier\'s border', jws(permit()), 'UZ', []],
  ['valid until next year', jws(permit({ exp: '01/01/2027' })), 'KG', []],
  ['expired yesterday', jws(permit({ exp: '30/12/2026' })), 'KG', ['EXPIRED']],
  ['another country\'s border', jws(permit()), 'TJ', ['NOT_FOR_THIS_COUNTRY']],
  ['another country and expired', jws(permit({ exp: '30/12/2026' })), 'TJ', ['NOT_FOR_THIS_COUNTRY', 'EXPIRED']],
  ['a partner\'s permit for us', jws(permit({ id: 'UZ-KG-2026-1-7' }), { key: uz }), 'KG', []],
  ['exp not dd/MM/yyyy', jws(permit({ exp: '2026-12-31' })), 'KG', ['MALFORMED'], { held: true }],
  ['exp an impossible date', jws(permit({ exp: '31/02/2027' })), 'KG', ['MALFORMED'], { held: true }],
  ['issuer not known', jws(permit({ id: 'TR-KG-2026-1-1' })), 'KG', ['UNKNOWN_ISSUER']],
  ['unknown issuer wins over alg none', jws(permit({ id: 'TR-KG-2026-1-1' }), { header: { alg: 'none' }, sig: '' }), 'KG', ['UNKNOWN_ISSUER']],
  ['key not published', jws(permit(), { key: stranger }), 'KG', ['UNKNOWN_KEY']],
  ['key revoked', jws(permit(), { key: kgOld }), 'KG', ['KEY_REVOKED']],
  ['signed by another authority\'s key', jws(permit(), { key: uz, header: { alg: 'ES256', kid: 'KG-1' } }), 'KG', ['BAD_SIGNATURE']],
  ['claims changed after signing', jws(permit(), { tamper: permit({ exp: '31/12/2030' }) }), 'KG', ['BAD_SIGNATURE']],
  ['signature too short', jws(permit(), { sig: b64(Buffer.alloc(32, 1)) }), 'KG', ['BAD_SIGNATURE']],
  ['alg none', jws(permit(), { header: { alg: 'none', kid: 'KG-1' }, sig: '' }), 'KG', ['UNSUPPORTED_ALGORITHM']],
  ['alg HS256', jws(permit(), { header: { alg: 'HS256', kid: 'KG-1' } }), 'KG', ['UNSUPPORTED_ALGORITHM']],
  ['header with crit', jws(permit(), { header: { alg: 'ES256', kid: 'KG-1', crit: ['exp'] } }), 'KG', ['MALFORMED']],
  ['version 1 QR form', jws(permit(), { version: '1' }), 'KG', []],
  ['version 0 (demo) QR form', jws(permit(), { version: '0' }), 'KG', ['DEMO_CREDENTIAL']],
  ['version 2', jws(permit(), { version: '2' }), 'KG', ['UNSUPPORTED_VERSION']],
  ['version not a number', jws(permit(), { version: 'v1' }), 'KG', ['MALFORMED']],
  ['not a JWS', 'hello', 'KG', ['MALFORMED']],
  ['five parts', `a.${jws(permit())}.b`, 'KG', ['MALFORMED']],
  ['payload not JSON', `${enc({ alg: 'ES256', kid: 'KG-1' })}.${b64('not json')}.${b64(Buffer.alloc(64))}`, 'KG', ['MALFORMED']],
  ['payload an array', jws([1, 2]), 'KG', ['MALFORMED']],
  ['no plate claim', jws(permit({ pn: undefined })), 'KG', ['MALFORMED']],
  ['company not a string', jws(permit({ cn: 7 })), 'KG', ['MALFORMED']],
  ['id malformed', jws(permit({ id: 'KG-UZ-26-1-1' })), 'KG', ['MALFORMED']],
  ['id with type 8', jws(permit({ id: 'KG-UZ-2026-8-1' })), 'KG', ['MALFORMED']],
  // The browser keeps no revocation list: it says valid, and the page says what it cannot know.
  ['revoked permit', jws(permit({ id: 'KG-UZ-2026-1-5' })), 'KG', ['REVOKED'], { browser: [] }],
  ['expired on 31 January, checked at the first second of February', jws(permit({ exp: '31/01/2027', iat: '01/01/2027', id: 'KG-UZ-2027-1-2' })), 'KG', ['EXPIRED'], { now: FEB_FIRST }],
  ['valid on 1 February, checked then', jws(permit({ exp: '01/02/2027', iat: '01/01/2027', id: 'KG-UZ-2027-1-3' })), 'KG', [], { now: FEB_FIRST }],
  // A permit for 2027 issued in December 2026 waits for its year (issue 13, finding 3).
  ['next year\'s permit in December', jws(permit({ id: 'KG-UZ-2027-1-9', iat: '06/12/2026', exp: '31/01/2028' })), 'KG', ['NOT_YET_VALID']],
  ['next year\'s permit on 1 January', jws(permit({ id: 'KG-UZ-2027-1-9', iat: '06/12/2026', exp: '31/01/2028' })), 'KG', [], { now: NEW_YEAR }],
  ['next year\'s permit a second before', jws(permit({ id: 'KG-UZ-2027-1-9', iat: '06/12/2026', exp: '31/01/2028' })), 'KG', ['NOT_YET_VALID'], { now: NEW_YEAR - 1 }],
  // Judged by the local date at the checking border (docs/e-permit.md): from 18:00 to 19:00 UTC
  // on 31 December Bishkek (UTC+6) is in the new year and Tashkent (UTC+5) is not.
  ['next year\'s permit at a UTC+5 border in Bishkek\'s first hour', jws(permit({ id: 'KG-UZ-2027-1-9', iat: '06/12/2026', exp: '31/01/2028' })), 'UZ', ['NOT_YET_VALID'], { now: NEW_YEAR + 1800, utc_offset_minutes: 300 }],
  ['next year\'s permit at home in Bishkek\'s first hour', jws(permit({ id: 'KG-UZ-2027-1-9', iat: '06/12/2026', exp: '31/01/2028' })), 'KG', [], { now: NEW_YEAR + 1800 }],
  ['expired in Bishkek, on its last day in Tashkent', jws(permit()), 'UZ', [], { now: NEW_YEAR + 1800, utc_offset_minutes: 300 }],
  ['expired in Bishkek an hour after its last day', jws(permit()), 'KG', ['EXPIRED'], { now: NEW_YEAR + 1800 }],
  // A TRACECA multilateral permit: valid at a member country's border on that day, not elsewhere.
  ['TRACECA permit at a member\'s border', jws(permit({ id: 'KG-TRACECA-2026-7-3' })), 'TR', []],
  ['TRACECA permit at home', jws(permit({ id: 'KG-TRACECA-2026-7-3' })), 'KG', []],
  ['TRACECA permit at a non-member\'s border', jws(permit({ id: 'KG-TRACECA-2026-7-3' })), 'UZ', ['NOT_FOR_THIS_COUNTRY']],
  ['TRACECA permit at a member that left', jws(permit({ id: 'KG-TRACECA-2026-7-3' })), 'MD', ['NOT_FOR_THIS_COUNTRY']],
  // held: the signature held, so the claims are shown (only after every check before it passed).
].map(([name, qr, here, expect, extra = {}]) => ({ name, qr, here, expect,
  held: expect.every((code) => ['EXPIRED', 'NOT_FOR_THIS_COUNTRY', 'REVOKED', 'DEMO_CREDENTIAL', 'NOT_YET_VALID'].includes(code)),
  ...extra }));

const keys = {
  authorities: published,
  // who takes part in TRACECA's permit system (MD's end is made up: a member that left)
  members: {
    TRACECA: [{ member: 'TR', from: '2016-01-01', to: null }, { member: 'KG', from: '2025-12-16', to: null },
      { member: 'MD', from: '2016-01-01', to: '2026-06-30' }],
  },
};

printTable('Freight-permit credentials and the reasons every checker gives (tools/verdict-cases.mjs)',
  { keys, revoked: ['KG-UZ-2026-1-5'], cases });
