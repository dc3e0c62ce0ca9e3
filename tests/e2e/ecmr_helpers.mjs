// ecmr_helpers.mjs: what the e-CMR and agency tests share: a sample consignment note, the
// one-time link sent to a party (read from the message folder the way a mail relay would),
// and staff accounts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniq, PASSWORD, adminToken } from './lib.mjs';

export function messageDir() {
  return mkdtempSync(join(tmpdir(), 'kapka-msg-'));
}

export function noteBody(over = {}) {
  return {
    consignor: { name: 'Osh Dried Fruit LLC', address: { street: '5 Kurmanjan Datka', city: 'Osh', country: 'KG' }, email: 'ship@oshfruit.kg' },
    consignee: { name: 'Almaty Trade Ltd', address: { city: 'Almaty', country: 'KZ' }, phone: '+7 701 555 1234' },
    taking_over: { location: { city: 'Osh', country: 'KG' }, date: '2026-12-06' },
    delivery: { location: { city: 'Almaty', country: 'KZ' } },
    transport: { plate: '01KG123ABC', plate_country: 'KG', trailer_plate: '01KG456DEF' },
    goods: [
      { marks: 'OSH-1..20', packages: 20, packaging: 'pallets', nature: 'dried apricots', hs_code: '081310', gross_weight_kg: 12000.5, volume_m3: 40 },
      { packages: 4, packaging: 'drums', nature: 'paint', gross_weight_kg: 800, dangerous_goods: { un_number: 'UN1263', class: '3', packing_group: 'III' } },
    ],
    documents_attached: [{ type: 'invoice', id: 'INV-2026-77' }],
    sender_instructions: 'Keep dry.',
    payment_terms: 'prepaid',
    ...over,
  };
}

// The newest message written to dir for recipient: {to, subject, body, token, code}.
export function lastMessage(dir, to) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (let i = files.length - 1; i >= 0; i--) {
    const m = JSON.parse(readFileSync(join(dir, files[i]), 'utf8'));
    if (m.to !== to) continue;
    const token = /#\/ecmr-seal\/([A-Za-z0-9_-]+)/.exec(m.body)?.[1];
    const code = /code (\d{6})/.exec(m.body)?.[1];
    return { ...m, token, code };
  }
  throw new Error(`no message to ${to} in ${dir}`);
}

// Ask kapka to send role its link, and read it back from the message folder.
export async function partyLink(k, token, ref, role, dir) {
  const r = await k.req('POST', `/api/v1/ecmr/${ref}/links`, { token, body: { role } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.token, undefined, 'the carrier never sees the token');
  return lastMessage(dir, r.json.sent_to);
}

export async function sealByLink(k, link, body) {
  return k.req('POST', `/api/v1/ecmr-links/${link.token}/seals`, { body: { code: link.code, ...body } });
}

// A user of role in a new organisation of kind; returns a token.
export async function staffUser(k, kind, role, name = 'Staff') {
  const admin = await adminToken(k);
  const org = await k.req('POST', '/api/v1/organisations', { token: admin, body: { kind, name } });
  assert.equal(org.status, 201, org.text);
  const username = uniq(role);
  const r = await k.req('POST', '/api/v1/users', {
    token: admin, body: { username, password: PASSWORD, role, organisation_id: org.json.id, full_name: name, language: 'ru' },
  });
  assert.equal(r.status, 201, r.text);
  return { token: await k.login(username, PASSWORD), user: r.json, username };
}
