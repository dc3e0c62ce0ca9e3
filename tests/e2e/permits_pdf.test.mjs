// permits_pdf.test.mjs: the printed permit names things in words in its three languages
// (type, countries, status), names the issuing authority and the trip, and carries the QR
// code only while the permit is valid: a returned, revoked or used-up permit prints VOID
// and no code a scanner could read (issue 17, finding 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  usePermitServer, carrierWithFleet, issue, getBytes, pdfPages, pdfText, scanQr,
} from './permits_helpers.test.mjs';

const srv = usePermitServer();

// The QR codes zbarimg finds on a page (none: an empty list; zbarimg then exits with 4).
function codesOn(png) {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-qr-'));
  try {
    writeFileSync(join(dir, 'p.png'), png);
    return execFileSync('zbarimg', ['--raw', '-q', join(dir, 'p.png')], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch (e) {
    if (e.status === 4) return [];
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pdfOf(k, token, id) {
  const r = await getBytes(k, `/api/v1/permits/${id}/pdf`, token);
  assert.equal(r.status, 200, r.buf.toString().slice(0, 200));
  const pages = pdfPages(r.buf);
  // pdftotext -layout keeps columns apart: join the wrapped lines into one text to search
  return { pages, text: pdfText(r.buf).replace(/\s+/g, ' ') };
}

test('a valid permit: names in words, the authority, the trip, and the QR code', async () => {
  const { k } = srv;
  const c = await carrierWithFleet(k, 1);
  const today = new Date(k.now() + 6 * 3600e3).toISOString().slice(0, 10);
  const p = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id, trailer_plate: '01KG555TRL',
    trip: { route: 'Osh - Dostuk - Andijan', departure_date: today, cargo: 'apricots' } });
  const { pages, text } = await pdfOf(k, c.token, p.id);
  // one page for the permit, and a second for its transparency-log proof once signed
  assert.ok(pages.length >= 1 && pages.length <= 2, `${pages.length} pages`);
  for (const want of ['Эки тараптуу', 'Двустороннее', 'Bilateral', 'Өзбекстан', 'Узбекистан', 'Uzbekistan',
    'Ministry of Transport and Communications of the Kyrgyz Republic', 'Министерство транспорта и коммуникаций',
    '→', 'Osh - Dostuk - Andijan', 'apricots', `${today.slice(8, 10)}/${today.slice(5, 7)}/${today.slice(0, 4)}`,
    '01KG555TRL', p.plate, c.org.inn, 'Жарактуу', 'Действует', 'Valid']) {
    assert.ok(text.includes(want), `the PDF says ${want}:\n${text}`);
  }
  for (const raw of ['BILATERAL', ' issued', ' UZ ']) assert.ok(!text.includes(raw), `no raw code ${raw}:\n${text}`);
  assert.deepEqual(codesOn(pages[0]), [p.qr]);
  assert.ok(!text.includes('VOID'));
});

test('returned, revoked or used up: VOID, and no code to scan', async () => {
  const { k, tok } = srv;
  const c = await carrierWithFleet(k, 3);
  const returned = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[0].id });
  const revoked = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[1].id });
  const used = await issue(k, c.token, { partner: 'UZ', type: 1, vehicle_id: c.vehicles[2].id });
  assert.equal((await k.req('POST', `/api/v1/permits/${returned.id}/return`, { token: c.token })).status, 200);
  assert.equal((await k.req('POST', `/api/v1/permits/${revoked.id}/revoke`, { token: tok.ministry, body: { reason: 'forged waybill' } })).status, 200);
  for (const activity_type of ['ENTRANCE', 'EXIT']) {
    const r = await k.req('POST', `/api/v1/permits/${used.id}/activities`, { token: tok.officer, body: { activity_type } });
    assert.equal(r.status, 201, r.text);
  }
  for (const [p, status] of [[returned, 'Returned'], [revoked, 'Revoked'], [used, 'Used']]) {
    const { pages, text } = await pdfOf(k, c.token, p.id);
    assert.ok(text.includes('ЖАРАКСЫЗ · НЕДЕЙСТВИТЕЛЬНО · VOID'), `${p.id} is VOID:\n${text}`);
    assert.ok(text.includes(status), `${p.id} says ${status}:\n${text}`);
    for (const page of pages) assert.deepEqual(codesOn(page), [], `${p.id}: no QR code`);
  }
});
