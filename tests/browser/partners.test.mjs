// partners.test.mjs: the ministry's partner exchange page (#/partners) on the demo data.
// A partner authority is played by a small node:http server in this file: it publishes its
// e-permit configuration with an ES256 key made here, takes the events kapka sends it, and
// sends kapka events of its own (one applied, one refused). The ministry adds it by its
// address, sees it connected with its kid, fetches its configuration again (once while it
// is broken), makes a new signing key and revokes the old one (the partner is told), reads
// the events sent and received, in English, Russian and Kyrgyz, and at 360 px without
// sideways scrolling. The auditor reads the same page without the buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';
import { harness, openPage, shot, onPage, signInAs, visit, fill, overflow, DEMO_PASSWORD, setLanguage } from './helpers.mjs';
import { clockNow, eventually } from '../lib/kapka.mjs';
import { bishkekYear } from '../lib/years.mjs';

// The exchange worker looks for events to deliver every 100 ms and retries soon.
const FAST = { KAPKA_EXCHANGE_POLL_MS: '100', KAPKA_EXCHANGE_RETRY_MIN_MS: '200', KAPKA_EXCHANGE_RETRY_MAX_MS: '800',
  KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.1', KAPKA_EXCHANGE_MAX_REFUSALS: '2' };
// The partner lives on the suite's timeline (clockNow) as kapka does; years are the server's.
const YEAR = () => bishkekYear(env.kapka.now());

const env = harness();
const uz = { kid: `UZ-test-${randomUUID().slice(0, 8)}`, received: [], broken: false };

// The partner: GET …/e-permit answers its code, name and key (or, while broken, a
// configuration without keys); POST …/events/{type} takes kapka's events.
function startPartner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  uz.privateKey = privateKey;
  uz.jwk = { ...publicKey.export({ format: 'jwk' }), kid: uz.kid, use: 'sig', alg: 'ES256' };
  uz.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/e-permit') {
        res.end(JSON.stringify({ code: 'UZ', name: 'Uzbekistan', version: '1.1.2', keys: uz.broken ? [] : [uz.jwk] }));
      } else if (req.method === 'GET' && req.url === '/e-permit/healthcheck') {
        // the reference's answer: the last event it holds from kapka, the last it made for kapka
        uz.healthAuth = req.headers.authorization;
        res.end(JSON.stringify({ to_last_event_id: uz.received.at(-1)?.event_id ?? '0', from_last_event_id: uz.lastSent ?? '0' }));
      } else if (req.method === 'POST' && req.url.startsWith('/e-permit/events/')) {
        // the reference's wire: the event as the body, a detached proof in Authorization
        const claims = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        if (uz.refuse) { // the reference's 422 for an event it cannot apply
          res.statusCode = 422;
          res.end(JSON.stringify({ status: 'UNPROCESSABLE_ENTITY', timestamp: '2026-12-06T15:00:00.000', error_id: 'e',
            error_message: 'Error, please contact system manager with error id', details: { errorCode: 'PERMIT_NOTFOUND' } }));
          return;
        }
        uz.received.push(claims);
        res.end();      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error_code: 'NOT_FOUND', error_message: 'no such path' }));
      }
    });
  });
  return new Promise((resolve) => uz.server.listen(0, '127.0.0.1', () => {
    uz.url = `http://127.0.0.1:${uz.server.address().port}/e-permit`;
    resolve();
  }));
}

before(() => Promise.all([env.start({ servers: { kapka: { demo: true, env: FAST } } }), startPartner()]));
after(async () => {
  await env.stop();
  await new Promise((r) => (uz.server ? uz.server.close(r) : r()));
});

// An event the partner signs with its key, as the reference does: the JWS over the event's
// Gson text (for these ASCII-only events, JSON.stringify in the class's field order), of
// which only header.signature travels, as the bearer proof.
function proof(claims) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ kid: uz.kid, alg: 'ES256' })}.${enc(claims)}`;
  return `${enc({ kid: uz.kid, alg: 'ES256' })}.${sign('sha256', Buffer.from(input), { key: uz.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

test('ministry: add a partner by its address, fetch it again, keys, events both ways, three languages, 360 px', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 1024, height: 900 });
  await signInAs(page, 'ministry');
  const nav = page.getByRole('navigation').getByRole('link', { name: 'Partners' });
  await nav.click();
  await onPage(page, 'partners');
  assert.equal(await page.locator('main h1').innerText(), 'Partner exchange');
  assert.equal(await page.locator('li.partner[data-partner="UZ"]').count(), 0, 'no handshake with UZ yet');
  await page.locator('.own-keys tbody tr').first().waitFor();
  const firstKid = await page.locator('.own-keys tbody tr[data-current="true"]').getAttribute('data-kid');
  assert.ok(firstKid, 'the demo authority has a current signing key');

  // The address is checked here first, then by the server (which cannot reach a closed port).
  await fill(page, 'API address', 'ftp://example.uz/e-permit');
  await page.getByRole('button', { name: 'Add the partner' }).click();
  await page.locator('.field-error:visible', { hasText: 'Must be an address starting with http:// or https://.' }).waitFor();
  await fill(page, 'API address', 'http://127.0.0.1:1/e-permit');
  await page.getByRole('button', { name: 'Add the partner' }).click();
  const summary = page.locator('form.partner-add .error-summary');
  await summary.locator('.error-message', { hasText: 'The partner\'s configuration could not be fetched from this address.' }).waitFor();
  assert.match(await summary.locator('.error-detail').innerText(), /^Details: .*127\.0\.0\.1:1/);
  await shot(page, 'partners-01-unreachable');

  // The real address: connected, with the partner's kid.
  await fill(page, 'API address', uz.url);
  await page.getByRole('button', { name: 'Add the partner' }).click();
  await page.getByRole('status').filter({ hasText: 'Partner UZ has been added.' }).waitFor();
  const card = page.locator('li.partner[data-partner="UZ"]');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-handshake'), 'ok');
  assert.equal(await card.locator('.handshake .badge').innerText(), 'Connected');
  assert.ok((await card.locator('h3').innerText()).includes('Uzbekistan'));
  assert.ok((await card.innerText()).includes(uz.url));
  assert.equal(await card.locator(`tr[data-kid="${uz.kid}"]`).count(), 1, 'the partner\'s key is listed');
  assert.equal(await card.locator(`tr[data-kid="${uz.kid}"] .badge`).innerText(), 'Valid');
  assert.equal(await page.locator('form.partner-add input[name="api_url"]').inputValue(), '');
  await shot(page, 'partners-02-added');

  // Fetch again: once while the partner publishes no key (refused, the handshake marked
  // failed with the reason), then again when it is fixed.
  uz.broken = true;
  await card.getByRole('button', { name: 'Fetch the configuration again' }).click();
  await card.locator('.partner-msg [role="alert"]', { hasText: 'The address answered, but not with a usable e-permit configuration' }).waitFor();
  assert.equal(await card.getAttribute('data-handshake'), 'failed');
  assert.equal(await card.locator('.handshake .badge').innerText(), 'Failed');
  assert.ok((await card.locator('.handshake-error').innerText()).includes("The partner's configuration is not usable"));
  await card.locator('.handshake-error summary').click(); // the original sentence, for the technician
  assert.ok((await card.locator('.handshake-error').innerText()).includes('keys'));
  assert.equal(await card.locator(`tr[data-kid="${uz.kid}"]`).count(), 1, 'a failed fetch keeps the keys');
  await shot(page, 'partners-03-refresh-failed');
  uz.broken = false;
  await card.getByRole('button', { name: 'Fetch the configuration again' }).click();
  await card.getByRole('status').filter({ hasText: 'The configuration of UZ has been fetched again.' }).waitFor();
  assert.equal(await card.getAttribute('data-handshake'), 'ok');

  // Our keys: a new one becomes current; the old one is revoked. The partner is told of both.
  const keys = page.locator('section.own-keys');
  await keys.getByRole('button', { name: 'Make a new key' }).click();
  await keys.getByRole('button', { name: 'Yes, make a new key' }).click();
  await keys.getByRole('status').filter({ hasText: /^Key .+ is now the current signing key; the partners are being told\.$/ }).waitFor();
  const newKid = await keys.locator('tbody tr[data-current="true"]').getAttribute('data-kid');
  assert.notEqual(newKid, firstKid);
  assert.equal(await keys.locator(`tr[data-kid="${newKid}"] button`).count(), 0, 'the current key cannot be revoked');
  const old = keys.locator(`tr[data-kid="${firstKid}"]`);
  assert.equal(await old.locator('.badge').innerText(), 'Still verifies');
  await old.getByRole('button', { name: 'Revoke' }).click();
  await old.getByRole('button', { name: 'Yes, revoke the key' }).click();
  await keys.getByRole('status').filter({ hasText: `Key ${firstKid} has been revoked; the partners are being told.` }).waitFor();
  assert.equal(await keys.locator(`tr[data-kid="${firstKid}"]`).getAttribute('data-revoked'), 'true');
  await eventually(() => ['KEY_CREATED', 'KEY_REVOKED'].every((t) => uz.received.some((c) => c.event_type === t)),
    'the partner receives KEY_CREATED and KEY_REVOKED');

  // The partner sends us two events: the first of its chain (applied) and a second "first"
  // (refused: GENESIS_EVENT_ALREADY_EXISTS).
  // QuotaCreatedLedgerEvent's fields, then LedgerEventBase's, in Gson's order
  const quota = (n) => ({ permit_issuer: 'KG', permit_issued_for: 'UZ', permit_year: YEAR() + 1, permit_type: 1, quantity: n,
    event_producer: 'UZ', event_consumer: 'KG', event_timestamp: Math.floor(clockNow() / 1000), event_type: 'QUOTA_CREATED',
    event_id: randomUUID(), previous_event_id: '0' });
  const send = (ev) => env.kapka.req('POST', '/e-permit/events/quota-created', { headers: { authorization: `Bearer ${proof(ev)}` }, body: ev });
  const first = quota(10);
  let r = await send(first);
  assert.equal(r.status, 200, r.text);
  uz.lastSent = first.event_id;
  r = await send(quota(10));
  assert.deepEqual([r.status, r.json.details.errorCode], [422, 'GENESIS_EVENT_ALREADY_EXISTS']);

  // The backlog and the events, after a reload (once the worker has recorded both deliveries).
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  await eventually(async () => {
    const p = (await env.kapka.req('GET', '/api/v1/partners/UZ', { token: ministry })).json.partner;
    return p.outbox.pending === 0 && p.outbox.delivered === 2;
  }, 'both key events delivered');
  await visit(page, 'partners');
  const uzCard = page.locator('li.partner[data-partner="UZ"]');
  await uzCard.waitFor();
  const facts = await uzCard.locator('.backlog').innerText();
  assert.match(facts, /Waiting to be delivered\s+0/);
  assert.match(facts, /Delivered\s+2/);
  await uzCard.locator('summary', { hasText: 'Recent events sent' }).click();
  const sent = uzCard.locator('details.events').first().locator('tbody tr');
  await sent.first().waitFor();
  assert.deepEqual(await sent.evaluateAll((rows) => rows.map((tr) => tr.dataset.state)), ['delivered', 'delivered']);
  assert.deepEqual((await sent.locator('td:nth-child(2)').allInnerTexts()).map((s) => s.trim()), ['Key revoked', 'New key']);
  await uzCard.locator('summary', { hasText: 'Recent events received' }).click();
  const got = uzCard.locator('details.events').nth(1).locator('tbody tr');
  await got.first().waitFor();
  assert.deepEqual(await got.evaluateAll((rows) => rows.map((tr) => [tr.dataset.verdict, tr.dataset.code])),
    [['refused', 'GENESIS_EVENT_ALREADY_EXISTS'], ['applied', '']]);
  assert.ok((await got.first().innerText()).includes('Quota granted'));
  assert.match(await uzCard.locator('dl.facts').last().innerText(), /Applied\s+1[\s\S]*Refused\s+1/);
  await shot(page, 'partners-04-events');
  // the reference's healthcheck, asked from the page: a JWT for UZ, and both chains in step
  await uzCard.getByRole('button', { name: 'Check with the partner' }).click();
  await uzCard.locator('.healthcheck[data-ok="true"]').waitFor();
  assert.match(await uzCard.locator('.healthcheck').innerText(), /In step/);
  const claims = JSON.parse(Buffer.from(uz.healthAuth.replace(/^Bearer /, '').split('.')[1], 'base64url'));
  assert.deepEqual([claims.iss, claims.aud], ['KG', 'UZ']);
  assert.ok(claims.exp > env.kapka.now() / 1000);

  // Russian and Kyrgyz: the page relabels in place.
  await setLanguage(page, 'ru');
  assert.equal(await page.locator('main h1').innerText(), 'Обмен с партнёрами');
  assert.equal(await uzCard.locator('.handshake .badge').innerText(), 'Подключено');
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Партнёры' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Получить конфигурацию заново' }).count(), 1);
  assert.deepEqual((await sent.locator('td:nth-child(2)').allInnerTexts()).map((s) => s.trim()), ['Ключ отозван', 'Новый ключ']);
  assert.ok((await page.locator('form.partner-add').innerText()).includes('Адрес API'));
  await shot(page, 'partners-05-ru');
  await setLanguage(page, 'ky');
  assert.equal(await page.locator('main h1').innerText(), 'Өнөктөштөр менен алмашуу');
  assert.equal(await uzCard.locator('.handshake .badge').innerText(), 'Туташты');
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Өнөктөштөр' }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Жаңы ачкыч түзүү' }).count(), 1);
  assert.equal(await got.first().locator('.badge').innerText(), 'Четке кагылды');

  // A phone at 360 px, in Kyrgyz (the longest words), with both event tables open.
  await page.setViewportSize({ width: 360, height: 740 });
  const o = await overflow(page);
  assert.equal(o.extra, 0, `the partners page scrolls sideways at 360 px; too wide: ${o.wide.join(', ')}`);
  await shot(page, 'partners-06-360-ky');
  assert.deepEqual(problems, []);
  await context.close();
});

test('auditor: reads partners and keys, with no way to change them', async () => {
  const token = await env.kapka.login('ministry', DEMO_PASSWORD);
  const r = await env.kapka.req('POST', '/api/v1/partners', { token, body: { api_url: uz.url } });
  assert.ok([200, 201].includes(r.status), r.text);
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 740 });
  await signInAs(page, 'auditor');
  await page.getByRole('navigation').getByRole('link', { name: 'Partners' }).click();
  await onPage(page, 'partners');
  const card = page.locator('li.partner[data-partner="UZ"]');
  await card.waitFor();
  assert.equal(await card.locator(`tr[data-kid="${uz.kid}"]`).count(), 1);
  await page.locator('.own-keys tbody tr').first().waitFor();
  assert.equal(await page.locator('form.partner-add').count(), 0);
  assert.equal(await page.locator('[data-refresh]').count(), 0);
  assert.equal(await page.locator('[data-new-key], [data-revoke]').count(), 0);
  await card.locator('summary', { hasText: 'Recent events sent' }).click();
  await card.locator('details.events').first().locator('table, p.aside').first().waitFor();
  const o = await overflow(page);
  assert.equal(o.extra, 0, `too wide: ${o.wide.join(', ')}`);
  await shot(page, 'partners-07-auditor-360');
  assert.deepEqual(problems, []);
  await context.close();
});

test('ministry: an event the partner keeps refusing is set aside, then sent again or given up', async () => {
  const ministry = await env.kapka.login('ministry', DEMO_PASSWORD);
  const partner = async () => (await env.kapka.req('GET', '/api/v1/partners/UZ', { token: ministry })).json.partner;
  uz.refuse = true;
  for (const end of [3, 6]) {
    const q = await env.kapka.req('POST', '/api/v1/quotas', { token: ministry,
      body: { direction: 'inbound', partner: 'UZ', year: YEAR() + 2, type: 2, start_number: end - 2, end_number: end } });
    assert.equal(q.status, 201, q.text);
  }
  await eventually(async () => (await partner()).outbox.dead === 2, 'both QUOTA_CREATED set aside');
  uz.refuse = false;
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 1024, height: 900 });
  await signInAs(page, 'ministry');
  await visit(page, 'partners');
  const card = page.locator('li.partner[data-partner="UZ"]');
  await card.waitFor();
  assert.match(await card.locator('.backlog').innerText(), /Set aside\s+2/);
  await card.locator('summary', { hasText: 'Events set aside' }).click();
  const rows = card.locator('details.events tbody tr[data-state="dead"]');
  await rows.nth(1).waitFor();
  assert.match(await rows.first().innerText(), /PERMIT_NOTFOUND/);
  await rows.first().getByRole('button', { name: 'Send again' }).click();
  await card.getByRole('status').filter({ hasText: 'The event is back in the queue.' }).waitFor();
  await rows.nth(1).getByRole('button', { name: 'Give up' }).click();
  await card.getByRole('status').filter({ hasText: 'The event has been given up; it will not be sent.' }).waitFor();
  await eventually(async () => { const p = await partner(); return p.outbox.dead === 0 && p.outbox.pending === 0; }, 'one sent, one given up');
  assert.equal(uz.received.filter((c) => c.event_type === 'QUOTA_CREATED').length, 1);
  await shot(page, 'partners-07-dead-letters');
  assert.deepEqual(problems, []);
  await context.close();
});
