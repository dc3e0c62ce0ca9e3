// ecmr_permit.test.mjs: an e-CMR linked to its freight permit, as the officer at the post
// sees it from one scan of its QR, and the crossing of its vehicle referencing it (demo data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usePermitServer, addVehicle, issue, assertError, sleep, getBytes, pdfText, scanQr } from './permits_helpers.test.mjs';
import { noteBody, messageDir, partyLink, sealByLink } from './ecmr_helpers.mjs';

const dir = messageDir();
const srv = usePermitServer({ env: { KAPKA_MESSAGE_DIR: dir, KAPKA_WEBHOOK_POLL_MS: '100' } });

test('the officer scans the e-CMR QR and sees the note with its permit; its crossing references it', async () => {
  const { k, tok } = srv;
  const v = await addVehicle(k, tok.carrier, { kind: 'tractor' });
  const permit = await issue(k, tok.carrier, { partner: 'UZ', type: 'BILATERAL', vehicle_id: v.id });
  let r = await k.req('POST', '/api/v1/ecmr', { token: tok.carrier, body: noteBody({ permit_id: permit.id, transport: { plate: v.plate, plate_country: 'KG' } }) });
  assert.equal(r.status, 201, r.text);
  const ref = r.json.ref;
  assert.equal(r.json.permit_id, permit.id);
  assertError(await k.req('POST', '/api/v1/ecmr', { token: tok.carrier, body: noteBody({ permit_id: 'UZ-KG-2026-1-999999' }) }), 422);
  assert.equal((await sealByLink(k, await partyLink(k, tok.carrier, ref, 'sender', dir), { act: 'issue' })).status, 201);

  const qr = (await k.req('GET', `/api/v1/ecmr/${ref}/qr?format=text`, { token: tok.carrier })).json.qr;
  r = await k.req('POST', '/api/v1/ecmr-checks', { token: tok.officer, body: { qr } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.valid, true);
  assert.equal(r.json.current, true);
  assert.equal(r.json.consignment.ref, ref);
  assert.equal(r.json.consignment.permit.id, permit.id, 'one scan shows the permit too');
  assert.equal(r.json.claims.g[0][0], 'dried apricots');
  const [h, p, s] = qr.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), v: '01KG000AAA' })).toString('base64url');
  r = await k.req('POST', '/api/v1/ecmr-checks', { token: tok.officer, body: { qr: `${h}.${forged}.${s}` } });
  assert.equal(r.json.valid, false);
  assert.equal(r.json.reason, 'BAD_SIGNATURE');
  assertError(await k.req('POST', '/api/v1/ecmr-checks', { token: tok.carrier, body: { qr } }), 403);

  // the PDF in the CMR layout: the boxes in ky/ru/en and in Kazakh (the destination), the QR
  const pdf = await getBytes(k, `/api/v1/ecmr/${ref}/pdf`, tok.officer);
  assert.equal(pdf.status, 200);
  const text = pdfText(pdf.buf);
  for (const want of ['1. Жөнөтүүчү', 'Отправитель', 'Sender · Жөнелтуші', 'Consignee · Алушы', 'dried apricots', 'Osh Dried Fruit LLC', ref, 'key held by kapka'])
    assert.ok(text.includes(want), `the PDF shows ${want}:\n${text.slice(0, 1500)}`);
  const png = await getBytes(k, `/api/v1/ecmr/${ref}/qr?format=png`, tok.officer);
  assert.equal(scanQr(png.buf).split('.').length, 3, 'the QR image holds the signed text');

  // the carrier takes over: the old QR no longer tells the present state
  assert.equal((await k.req('POST', `/api/v1/ecmr/${ref}/seals`, { token: tok.carrier, body: { act: 'take_over' } })).status, 201);
  r = await k.req('POST', '/api/v1/ecmr-checks', { token: tok.officer, body: { qr } });
  assert.equal(r.json.valid, true);
  assert.equal(r.json.current, false);

  // the truck leaves at Dostyk: the crossing references the note
  r = await k.req('POST', '/api/v1/crossings', { token: tok.officer, body: { checkpoint: 'dostyk', direction: 'exit', vehicle_kind: 'truck', plate: v.plate } });
  assert.equal(r.status, 201, r.text);
  const crossing = r.json.id;
  for (let i = 0; i < 100; i++) {
    const n = await k.req('GET', `/api/v1/ecmr/${ref}`, { token: tok.officer });
    if (n.json.crossings.includes(crossing)) return;
    await sleep(100);
  }
  assert.fail('the crossing was not linked to the note');
});
