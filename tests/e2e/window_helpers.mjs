// Helpers for the single-window tests: the agencies with their staff, valid VINs, a
// tiny PDF, applying to the EV quota and walking an application through its steps.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { adminToken, uniq, PASSWORD, newCarrier } from './lib.mjs';

// The quota year on the server's clock (Bishkek time), which tests/run.sh may set.
export const yearOf = (k) => new Date(k.now() + 6 * 3600 * 1000).getUTCFullYear();

// Each agency of the seeded procedures: the organisation kind and the role its staff act with.
export const AGENCIES = {
  customs: { kind: 'customs', role: 'officer', name: 'State Customs Service' },
  economy: { kind: 'ministry', role: 'ministry', name: 'Ministry of Economy and Commerce' },
  registration: { kind: 'ministry', role: 'ministry', name: 'Vehicle registration service' },
  environment: { kind: 'ministry', role: 'ministry', name: 'Environmental inspection' },
  tourism: { kind: 'ministry', role: 'ministry', name: 'Tourism department' },
  border: { kind: 'border_service', role: 'officer', name: 'Border service' },
};

// An organisation and one signed-in user per agency, linked: {code: {token, org, username}}.
export async function staffAgencies(k) {
  const admin = await adminToken(k);
  const out = { admin };
  for (const [code, a] of Object.entries(AGENCIES)) {
    const org = await k.req('POST', '/api/v1/organisations', { token: admin, body: { kind: a.kind, name: `${a.name} ${uniq('o')}` } });
    assert.equal(org.status, 201, org.text);
    const username = uniq(code);
    const u = await k.req('POST', '/api/v1/users', {
      token: admin, body: { username, password: PASSWORD, role: a.role, organisation_id: org.json.id, full_name: `${a.name} staff`, language: 'en' },
    });
    assert.equal(u.status, 201, u.text);
    const link = await k.req('PUT', `/api/v1/window/agencies/${code}`, {
      token: admin, body: { org_id: org.json.id, name_en: a.name, name_ru: a.name, name_ky: a.name },
    });
    assert.equal(link.status, 200, link.text);
    out[code] = { token: await k.login(username, PASSWORD), org: org.json, username, password: PASSWORD };
  }
  return out;
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VALUES = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9 };
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

export function checkDigit(vin) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i];
    sum += (/\d/.test(c) ? Number(c) : VALUES[c]) * WEIGHTS[i];
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

// A VIN of a Chinese maker (WMI L..., which uses the check digit), model year 2026 (T).
export function newVin(wmi = 'LRW') {
  const b = randomBytes(14);
  let v = wmi;
  for (let i = 0; i < 5; i++) v += VIN_CHARS[b[i] % VIN_CHARS.length];
  v += '0T';
  for (let i = 0; i < 7; i++) v += String(b[5 + i] % 10);
  return v.slice(0, 8) + checkDigit(v) + v.slice(9);
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

export async function upload(k, token, kind, bytes = PDF, type = 'application/pdf', filename = 'doc.pdf') {
  return k.req('POST', `/api/v1/window/documents?kind=${kind}&filename=${encodeURIComponent(filename)}`, {
    token, raw: bytes, headers: { 'content-type': type },
  });
}

// A carrier (importer) with its documents uploaded once: {token, docs: [{kind,id}]}.
export async function importer(k) {
  const c = await newCarrier(k);
  const docs = [];
  for (const kind of ['invoice', 'title', 'residence', 'powertrain']) {
    const r = await upload(k, c.token, kind);
    assert.equal(r.status, 201, r.text);
    docs.push({ kind, id: r.json.id });
  }
  return { ...c, docs };
}

export function evForm(vehicles, over = {}) {
  return {
    applicant_kind: 'company', tax_id: '01234567890123', permanent_resident: true, no_transfer_undertaking: true,
    vehicles: vehicles.map((v) => (typeof v === 'string' ? { vin: v, kind: 'bev', make_model: 'BYD Song Plus' } : v)),
    ...over,
  };
}

export async function applyEv(k, imp, vehicles, over = {}) {
  return k.req('POST', '/api/v1/window/applications', {
    token: imp.token, body: { procedure: 'ev-duty-free', data: evForm(vehicles, over), documents: imp.docs },
  });
}

export const stepOf = (app, code) => app.steps.find((s) => s.code === code);

export async function decide(k, token, stepId, decision, extra = {}) {
  return k.req('POST', `/api/v1/window/steps/${stepId}/decision`, { token, body: { decision, ...extra } });
}

export async function setYear(k, token, over = {}) {
  const reg = await k.req('GET', '/api/v1/ev-quota');
  const y = reg.json.years.find((x) => x.year === yearOf(k));
  const body = { total: y.total, kinds: y.kinds, day_rule: y.day_rule, critical_percent: y.critical_percent, source: y.source, ...over };
  const r = await k.req('PUT', `/api/v1/ev-quota/${y.year}`, { token, body });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

export async function yearNow(k) {
  const reg = await k.req('GET', '/api/v1/ev-quota');
  return reg.json.years.find((x) => x.year === yearOf(k));
}
