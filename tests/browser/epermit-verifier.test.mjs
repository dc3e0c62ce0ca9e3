// epermit-verifier.test.mjs: the universal e-permit verifier (e-permit/verify) reads kapka's
// permits from a web page on another origin. A port of its verifyPermit() flow
// (tests/browser/verifier/) is served from its own origin with the data files it fetches
// from e-permit.github.io/data (the authorities, with kapka as KG's issuer URL; the permit
// types; the QR schema), and opened in chromium: a good permit shows "Verified" online, a
// revoked one and an altered one "PERMIT NOT FOUND"; without CORS the page could read
// neither answer and would fall back to its offline check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, openPage, shot, DEMO_PASSWORD } from './helpers.mjs';
import { intoTheNewYear } from '../lib/years.mjs';
import { ROOT } from '../lib/kapka.mjs';

const env = harness();
let site; // the verifier's origin
let kapkaApi;

// permit-schema.json as the verifier's published schema has it: the QR's header, payload
// and signature; the id pattern accepts permit types 1 to 3 (protocol sheet, "The QR").
const SCHEMA = {
  type: 'object',
  required: ['header', 'payload', 'sig'],
  properties: {
    header: { type: 'object', required: ['alg', 'kid'], properties: { alg: { type: 'string', pattern: '^ES256$' }, kid: { type: 'string' } } },
    payload: {
      type: 'object',
      required: ['id', 'iat', 'exp', 'pn', 'cn'],
      properties: {
        id: { type: 'string', pattern: '^[A-Z]{2}-[A-Z]{2}-\\d{4}-(1|2|3)-[0-9]+$' },
        iat: { type: 'string', pattern: '^[0-9]{2}/[0-9]{2}/[0-9]{4}$' },
        exp: { type: 'string', pattern: '^[0-9]{2}/[0-9]{2}/[0-9]{4}$' },
        pn: { type: 'string' },
        cn: { type: 'string' },
      },
    },
    sig: { type: 'string' },
  },
};
const TYPES = [[1, 'BILATERAL'], [2, 'TRANSIT'], [3, 'THIRDCOUNTRY'], [4, 'BILATERAL_FEE'], [5, 'TRANSIT_FEE'], [6, 'THIRDCOUNTRY_FEE']]
  .map(([code, name]) => ({ code, name }));

function startSite(kapkaUrl) {
  const dir = join(ROOT, 'tests', 'browser', 'verifier');
  const data = {
    '/data/permit-schema.json': SCHEMA,
    '/data/permit-types.json': TYPES,
    '/data/authorities.json': {
      KG: { name: 'Kyrgyzstan', url: `${kapkaUrl}/e-permit` },
      UZ: { name: 'Uzbekistan', url: 'http://127.0.0.1:9/e-permit' },
    },
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (data[path]) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data[path]));
    } else if (path === '/' || path === '/verify.js') {
      const file = path === '/' ? 'index.html' : 'verify.js';
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
        .end(readFileSync(join(dir, file)));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)),
  })));
}

before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD)); // the server's year
  kapkaApi = env.kapka.url.replace(/\/$/, '');
  site = await startSite(kapkaApi);
});
after(async () => {
  await site?.close();
  await env.stop();
});

async function verifyInPage(qr, name) {
  const { page, context, problems } = await openPage(env.browser, site.url);
  const seen = [];
  page.on('response', async (r) => {
    if (r.url().includes('/e-permit/verify/')) seen.push({ status: r.status(), headers: await r.allHeaders(), sent: await r.request().allHeaders() });
  });
  await page.goto(`/#${encodeURIComponent(qr)}`);
  await page.locator('#result[data-screen]:not([data-screen=""])').waitFor();
  const screen = await page.locator('#result').getAttribute('data-screen');
  const result = await page.evaluate(() => window.verifierResult);
  await shot(page, `epermit-verifier-${name}`);
  await context.close();
  return { screen, result, seen, problems };
}

async function ourPermits(token) {
  const r = await env.kapka.req('GET', '/api/v1/permits?issuer=KG', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('a good permit: the verifier shows it Verified, online, as the issuer answered', async () => {
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  const p = (await ourPermits(ministry)).find((x) => x.status === 'issued');
  assert.ok(p, 'the demo holds an issued permit');
  const { screen, result, seen } = await verifyInPage(p.qr, 'valid');
  assert.equal(screen, 'Verified', JSON.stringify(result));
  assert.equal(result.offline, false);
  assert.equal(result.permit.permit_id, p.id);
  assert.equal(result.permit.issuer_name, 'Kyrgyzstan');
  assert.equal(result.permit.issued_for_name, 'Uzbekistan');
  assert.equal(result.permit.permit_type_name, 'BILATERAL');
  assert.equal(result.permit.plate_number, p.plate);
  assert.equal(result.permit.qr_code, p.qr);
  assert.equal(result.permit.revoked, false);
  assert.deepEqual(Object.keys(result.permit).slice(0, 19), ['issuer', 'issued_for', 'permit_id', 'qr_code', 'permit_type',
    'permit_year', 'issued_at', 'expires_at', 'plate_number', 'plate_number2', 'company_name', 'company_id',
    'departure_country', 'arrival_country', 'claims', 'used', 'revoked', 'revoked_at', 'activities']);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].headers['access-control-allow-origin'], '*');
  assert.equal(seen[0].sent.origin, site.url.replace(/\/$/, ''));
});

test('a revoked permit and an altered QR: PERMIT NOT FOUND, read from the issuer (not the offline check)', async () => {
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  const carrier = await env.kapka.login('carrier', DEMO_PASSWORD);
  const vehicles = (await env.kapka.req('GET', '/api/v1/vehicles', { token: carrier })).json.items;
  const held = new Set((await ourPermits(ministry)).filter((x) => x.status === 'issued').map((x) => x.vehicle_id));
  const free = vehicles.find((v) => !held.has(v.id) && v.status === 'active');
  const issued = await env.kapka.req('POST', '/api/v1/permit-applications',
    { token: carrier, body: { partner: 'UZ', type: 1, vehicle_id: free.id } });
  assert.equal(issued.status, 201, issued.text);
  const p = issued.json.permit;
  const rv = await env.kapka.req('POST', `/api/v1/permits/${p.id}/revoke`, { token: ministry, body: { reason: 'lost' } });
  assert.equal(rv.status, 200, rv.text);

  const revoked = await verifyInPage(p.qr, 'revoked');
  assert.equal(revoked.screen, 'PERMIT NOT FOUND', JSON.stringify(revoked.result));
  assert.equal(revoked.seen[0].status, 404);
  assert.equal(revoked.seen[0].headers['access-control-allow-origin'], '*');

  // Another permit's signature on this payload: well-formed, but not a QR kapka issued.
  const good = (await ourPermits(ministry)).find((x) => x.status === 'issued');
  const [h, body] = good.qr.split('.');
  const altered = `${h}.${body}.${p.qr.split('.')[2]}`;
  const other = await verifyInPage(altered, 'altered');
  assert.equal(other.screen, 'PERMIT NOT FOUND');
  assert.deepEqual(revoked.problems.concat(other.problems).filter((x) => !/404/.test(x)), []);
});

test('CORS as the reference allows it: preflights for GET pass, others are refused; the index is readable too', async () => {
  const qr = 'a.b.c';
  const origin = 'https://verify.e-permit.example';
  const pre = await fetch(`${kapkaApi}/e-permit/verify/${qr}`, { method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-requested-with' } });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.match(pre.headers.get('access-control-allow-methods'), /GET/);
  assert.equal(pre.headers.get('access-control-allow-headers'), 'x-requested-with');
  const bad = await fetch(`${kapkaApi}/e-permit/verify/${qr}`, { method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'DELETE' } });
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
  // the healthcheck is on the reference's IndexController too: its bearer header may be sent
  const hc = await fetch(`${kapkaApi}/e-permit/healthcheck`, { method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  assert.equal(hc.status, 200);
  assert.equal(hc.headers.get('access-control-allow-headers'), 'authorization');
  const index = await fetch(`${kapkaApi}/e-permit/`, { headers: { origin } });
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('access-control-allow-origin'), '*');
  // the rest of the API stays same-origin
  const api = await fetch(`${kapkaApi}/api/v1/permit-types`, { headers: { origin } });
  assert.equal(api.headers.get('access-control-allow-origin'), null);
  const apiPre = await fetch(`${kapkaApi}/api/v1/permit-types`, { method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET' } });
  assert.equal(apiPre.headers.get('access-control-allow-origin'), null);

  // from the verifier's page: a GET with a custom header (preflighted) reads; a POST cannot
  const { page, context } = await openPage(env.browser, site.url);
  await page.goto('/');
  const got = await page.evaluate(async (base) => {
    const a = await fetch(`${base}/e-permit/verify/x.y.z`, { headers: { 'x-requested-with': 'verifier' } });
    let post;
    try {
      post = (await fetch(`${base}/e-permit/verify/x.y.z`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status;
    } catch (e) {
      post = e.name;
    }
    return { get: a.status, post };
  }, kapkaApi);
  assert.deepEqual(got, { get: 404, post: 'TypeError' });
  await context.close();
});
