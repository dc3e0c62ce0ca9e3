// checkpoints.test.mjs: the pages of checkpoints, crossings and the booked queue on the demo
// data: the public list and map (no internet here, so the map must fall back to its bundled
// outline with every crossing placed), the status at a chosen time and vehicle, a crossing's
// hours; the officer registering a crossing with the permit match shown at once and calling
// the waiting queue forward; the driver booking, checking in and seeing the call; the
// ministry's throughput chart, table and CSV; in Kyrgyz and Russian too, at 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, signInAs, visit, overflow, DEMO_PASSWORD } from './helpers.mjs';
import { localDate } from '../lib/kapka.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

// Offline, the map tiles cannot load: the browser reports each failed tile. Nothing else
// may go wrong.
const real = (problems) => problems.filter((p) => !p.includes('tile.openstreetmap.org'));

test('public: every crossing on a list and a map that falls back offline; status at a chosen time', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 800 });
  await page.goto('/#/checkpoints');
  await onPage(page, 'checkpoints');
  await page.locator('li.checkpoint').first().waitFor();
  assert.equal(await page.locator('li.checkpoint').count(), 23); // with Kyzyl-Bel (reopened 13 March 2025)
  // no tiles here: the bundled outline with every crossing placed by its coordinates
  await page.locator('.cp-map[data-map="fallback"]').waitFor({ timeout: 15000 });
  const placed = await page.locator('.cp-map-svg .cp-map-point').count();
  const beyond = await page.locator('.cp-map-beyond a').count();
  assert.equal(placed + beyond, 23, 'every crossing on the map or listed beyond it');
  assert.ok(placed >= 16, `${placed} placed`);
  assert.equal(await page.locator('.cp-map-svg .cp-map-kg').count(), 1);
  await shot(page, 'checkpoints-01-list-360');
  assert.equal((await overflow(page)).extra, 0, JSON.stringify(await overflow(page)));

  await page.getByLabel('Date and time (optional)', { exact: true }).fill('2026-11-24T12:00');
  await page.getByLabel('Travelling by (optional)', { exact: true }).selectOption('truck');
  await page.getByLabel('Neighbouring country (optional)', { exact: true }).selectOption('CN');
  await page.getByRole('button', { name: 'Show' }).click();
  const irk = page.locator('li.checkpoint[data-code="irkeshtam"]');
  await irk.waitFor();
  // Irkeshtam is on the unfiltered list too: wait for the filtered answer to replace it.
  await page.waitForFunction(() => document.querySelectorAll('li.checkpoint').length === 6, null, { timeout: 10000 })
    .catch(() => {});
  assert.equal(await page.locator('li.checkpoint').count(), 6, 'two Kyrgyz and four Kazakh crossings to China');
  assert.equal(await irk.getAttribute('data-open'), 'false');
  const reason = irk.locator('.reasons li[data-code="CLOSED_LUNCH"]');
  assert.equal(await reason.getAttribute('data-side'), 'KG');
  assert.match(await reason.innerText(), /Lunch break until 2026-11-24 14:00 \(Kyrgyzstan\)/);
  assert.match(await irk.locator('.cp-next').innerText(), /Opens next: 2026-11-24 16:00/);
  const tor = page.locator('li.checkpoint[data-code="torugart"]');
  assert.match(await tor.innerText(), /Closed for the season until 2027-05-25 00:00/);
  assert.match(await tor.locator('.cp-permission').innerText(), /Naryn/);
  await shot(page, 'checkpoints-02-irkeshtam-lunch');

  // a car at Ak-Tilek is refused with the reason, on the crossing's own page
  await page.goto('/#/checkpoints/ak-tilek?at=2026-11-24T12:00&mode=car');
  await onPage(page, 'checkpoints');
  await page.locator('h1[data-code="ak-tilek"]').waitFor();
  assert.match(await page.locator('.cp-status').innerText(), /This kind of traffic may not cross here/);
  assert.equal(await page.locator('.table-wrap tbody tr').count(), 2, 'both sides round the clock');

  // in Kyrgyz
  await page.locator('.lang-switch [data-lang="ky"]').click();
  await page.locator('html[lang="ky"]').waitFor();
  assert.match(await page.locator('.cp-status').innerText(), /Бул транспорт түрү бул жерден өткөрүлбөйт/);
  await shot(page, 'checkpoints-03-ak-tilek-ky');
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('officer: register a crossing in a few taps, the permit match at once; call the queue forward', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 412, height: 900 });
  await signInAs(page, 'officer');
  assert.deepEqual(await page.getByRole('navigation').getByRole('link').allInnerTexts(),
    ['Home', 'Verify a permit', 'Check a zone permit', 'Find a permit', 'Border post', 'e-CMR', 'Agency desk', 'Agency queue', 'EV quota', 'Crossings', 'Transparency']);
  await page.getByRole('navigation').getByRole('link', { name: 'Border post' }).click();
  await onPage(page, 'border');
  await page.getByLabel('My post', { exact: true }).selectOption('dostyk');
  await page.locator('h1').filter({ hasText: 'Border post' }).waitFor();
  await page.locator('label[for="dir-entry"]', { hasText: 'Entering Kyrgyzstan from Uzbekistan' }).waitFor();
  const form = page.locator('section[aria-labelledby="border-register"] form');
  await form.locator('select[name="vehicle_kind"]').selectOption('truck');
  await form.locator('input[name="plate"]').fill('50 B 321 XY');
  await form.locator('input[name="vehicle_country"]').fill('UZ');
  await form.locator('input[name="weight_kg"]').fill('47000');
  await form.locator('select[name="radiation_result"]').selectOption('clear');
  await form.locator('input[name="driver_name"]').fill('Rustam Karimov');
  await form.locator('input[name="driver_passport"]').fill('FA7654321');
  await page.getByRole('button', { name: 'Register the crossing' }).click();
  const res = page.locator('.crossing-result');
  await res.waitFor();
  assert.equal(await res.getAttribute('data-match'), 'none');
  assert.equal(await res.getAttribute('data-flags'), 'NO_PERMIT,OVERWEIGHT');
  assert.match(await res.innerText(), /50B321XY: send to inspection/);
  assert.match(await res.innerText(), /no permit, overweight/);
  await shot(page, 'checkpoints-04-officer-flagged');

  // our carrier's truck with its permit (the demo issued KG→UZ for 01KG123ABC) leaves
  await page.locator('label[for="dir-exit"]').click();
  await form.locator('select[name="vehicle_kind"]').selectOption('tractor');
  await form.locator('input[name="plate"]').fill('01KG123ABC');
  await form.locator('input[name="vehicle_country"]').fill('');
  await page.getByRole('button', { name: 'Register the crossing' }).click();
  await page.locator('.crossing-result[data-match="own_permit"]').waitFor();
  assert.match(await page.locator('.crossing-result').innerText(), /all in order/);
  assert.match(await page.locator('.crossing-result').innerText(), /Our carrier's permit KG-UZ-/);
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('driver: book a slot, check in, see the call; ministry: throughput chart, table, CSV', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 900 });
  await signInAs(page, 'traveller');
  await page.getByRole('navigation').getByRole('link', { name: 'Book a crossing' }).click();
  await onPage(page, 'booking');
  const book = page.locator('section[aria-labelledby="booking-book"] form');
  await book.getByLabel('Crossing', { exact: true }).selectOption('korday');
  await book.getByLabel('Lane', { exact: true }).selectOption('car');
  await page.locator('.slot-choice input[type="radio"]').first().waitFor();
  await page.locator('.slot-choice input[type="radio"]:not([disabled])').first().check(); // no hour is chosen for the driver
  await book.getByLabel('Plate number', { exact: true }).fill('B 777 KG');
  await page.getByRole('button', { name: 'Book', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'B777KG is booked for' }).waitFor();
  const card = page.locator('li.booking[data-status="booked"]').filter({ hasText: 'B777KG' });
  await card.waitFor();
  await card.getByRole('button', { name: 'I am at the waiting zone' }).click();
  await page.locator('li.booking[data-status="checked_in"]').filter({ hasText: 'B777KG' }).waitFor();
  assert.equal((await overflow(page)).extra, 0);

  // the officer calls the car forward; the driver sees the call and the time to reach the gate
  const officer = await env.kapka.login('officer', DEMO_PASSWORD);
  const r = await env.kapka.req('POST', '/api/v1/checkpoints/korday/queue/call', { token: officer, body: { flow: 'car', count: 5 } });
  assert.equal(r.status, 200, r.text);
  await visit(page, 'booking');
  const called = page.locator('li.booking[data-status="called"]').filter({ hasText: 'B777KG' });
  await called.waitFor();
  assert.match(await called.getByRole('alert').innerText(), /You are called forward: reach the gate by/);
  await shot(page, 'checkpoints-05-driver-called');
  assert.deepEqual(real(problems), []);
  await context.close();

  const m = await openPage(env.browser, env.kapka.url, { width: 1024, height: 900 });
  await signInAs(m.page, 'ministry');
  await m.page.getByRole('navigation').getByRole('link', { name: 'Throughput' }).click();
  await onPage(m.page, 'throughput');
  await m.page.locator('svg.throughput-chart .bar').first().waitFor();
  assert.ok(await m.page.locator('svg.throughput-chart .bar[data-checkpoint="dostyk"]').count() === 1);
  const row = m.page.locator('tr[data-checkpoint="dostyk"][data-flow="truck"]');
  assert.ok(Number((await row.locator('td').first().innerText()).trim()) >= 2);
  const href = await m.page.locator('a[data-csv="throughput"]').getAttribute('href');
  const csv = await m.page.evaluate(async (u) => (await fetch(u)).text(), href);
  assert.match(csv, /^checkpoint,date,flow,vehicles/);
  await m.page.locator('.lang-switch [data-lang="ru"]').click();
  await m.page.locator('h1', { hasText: 'Пропускная способность пунктов' }).waitFor();
  await shot(m.page, 'checkpoints-06-throughput-ru');
  assert.deepEqual(real(m.problems), []);
  await m.context.close();
});

test('ministry closes and reopens a crossing; officer opens booking hours and issues an equipment key shown once', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 412, height: 900 });
  await signInAs(page, 'ministry');
  await visit(page, 'checkpoints/karkyra');
  await page.locator('h1[data-code="karkyra"]').waitFor();
  const close = page.locator('section[aria-labelledby="cpadmin-closures"] form');
  await close.getByLabel('Reason', { exact: true }).fill('road washed out by a mudflow');
  await close.getByRole('button', { name: 'Close the crossing' }).click();
  await page.getByRole('status').filter({ hasText: 'The crossing is closed' }).waitFor();
  assert.match(await page.locator('.cp-status').innerText(), /road washed out by a mudflow/);
  assert.equal(await page.locator('.cp-status .badge').getAttribute('data-open'), 'false');
  await page.locator('.closure-list li').getByRole('button', { name: 'Reopen now' }).click();
  await page.getByRole('button', { name: 'Yes, reopen' }).click();
  await page.getByRole('status').filter({ hasText: 'The closure has ended.' }).waitFor();
  assert.doesNotMatch(await page.locator('.cp-status').innerText(), /mudflow/);
  // capacity is data the ministry edits
  await page.getByLabel('Trucks a day (optional)', { exact: true }).fill('80');
  await page.getByRole('button', { name: 'Save the changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  const cp = await env.kapka.req('GET', '/api/v1/checkpoints/karkyra');
  assert.equal(cp.json.capacity.truck, 80);
  assert.deepEqual(real(problems), []);
  await context.close();

  const o = await openPage(env.browser, env.kapka.url, { width: 412, height: 900 });
  await signInAs(o.page, 'officer');
  await visit(o.page, 'checkpoints/dostyk');
  await o.page.locator('h1[data-code="dostyk"]').waitFor();
  assert.equal(await o.page.locator('section[aria-labelledby="cpadmin-closures"]').count(), 0, 'closures are the ministry\'s');
  const slots = o.page.locator('section[aria-labelledby="cpadmin-slots"] form');
  // booking hours are opened for hours to come only: tomorrow's 08-20
  const tomorrow = localDate(1); // in Kyrgyzstan, on the server's (the suite's) clock
  await slots.locator('input[name="date"]').fill(tomorrow);
  await slots.getByLabel('Lane', { exact: true }).selectOption('bus');
  await slots.getByLabel('Vehicles an hour (optional)', { exact: true }).fill('4');
  await slots.getByRole('button', { name: 'Open the hours' }).click();
  await o.page.getByRole('status').filter({ hasText: '12 new hours opened' }).waitFor();
  const dev = o.page.locator('section[aria-labelledby="cpadmin-devices"]');
  await dev.getByLabel('Device name', { exact: true }).fill('lane 4 scale');
  await dev.getByLabel('Kind of device', { exact: true }).selectOption('scale');
  await dev.getByRole('button', { name: 'Create a key' }).click();
  const key = (await dev.locator('.device-key .key').innerText()).trim();
  assert.match(key, /^kpd_/);
  const r = await env.kapka.req('POST', '/api/v1/crossings', { token: key, body: { direction: 'exit', vehicle_kind: 'bus', plate: 'BUS4040' } });
  assert.equal(r.status, 201, r.text);
  await shot(o.page, 'checkpoints-07-officer-key');
  await dev.locator('li[data-active="true"]').filter({ hasText: 'lane 4 scale' }).getByRole('button', { name: 'Revoke' }).click();
  await dev.getByRole('button', { name: 'Yes, revoke the key' }).click();
  await dev.locator('li[data-active="false"]').filter({ hasText: 'lane 4 scale' }).waitFor();
  const again = await env.kapka.req('POST', '/api/v1/crossings', { token: key, body: { direction: 'exit', vehicle_kind: 'bus', plate: 'BUS4041' } });
  assert.equal(again.status, 401);
  assert.deepEqual(real(o.problems), []);
  await o.context.close();
});
