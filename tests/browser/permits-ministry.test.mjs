// permits-ministry.test.mjs: the ministry's pages on the demo data: the parity view and the
// quota list (adding a range, moving its end), the usage chart with its table and CSV
// downloads, the review queue (approve, reject, a reason required), and suspending and
// reactivating a carrier. An auditor reads the same pages without the buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, onPage, signInAs, visit, fill, DEMO_PASSWORD } from './helpers.mjs';
import { intoTheNewYear } from '../lib/years.mjs';

const env = harness();
let YEAR; // the server's year, with that year's quotas open (tests/lib/years.mjs)
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  ({ year: YEAR } = await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD)));
});
after(() => env.stop());

async function token(user) {
  return env.kapka.login(user, DEMO_PASSWORD);
}

test('ministry: parity, quotas (add a range, move its end), usage chart and CSV', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 1024, height: 900 });
  await signInAs(page, 'ministry');
  assert.deepEqual(await page.getByRole('navigation').getByRole('link').allInnerTexts(),
    ['Home', 'Verify a permit', 'Quotas', 'Find a permit', 'Review queue', 'Search permits', 'Issue a permit', 'Usage', 'Trends', 'e-CMR', 'Carriers', 'Partners', 'Throughput', 'Agency queue', 'EV quota', 'Crossings', 'Transparency']);

  await page.getByRole('navigation').getByRole('link', { name: 'Quotas' }).click();
  await onPage(page, 'quotas');
  // Parity: Uzbekistan grants us 1000 bilateral + 300 transit, and we grant the same back.
  const uz = page.locator('.parity tr[data-partner="UZ"]');
  await uz.waitFor();
  assert.equal(await uz.getAttribute('data-balanced'), 'true');
  const cells = await uz.locator('th, td').allInnerTexts();
  assert.deepEqual(cells.map((c) => c.trim()), ['Uzbekistan', '1,300', '1', '1,300', '0', 'Balanced']);
  // The TRACECA secretariat grants multilateral permits and gets none back.
  const tc = page.locator('.parity tr[data-partner="TRACECA"]');
  assert.equal(await tc.getAttribute('data-balanced'), 'false');
  assert.ok((await tc.innerText()).includes('More to us'));

  // Add a range for Georgia, which had none, then widen it.
  await page.getByLabel('Direction', { exact: true }).selectOption('outbound');
  await page.getByLabel('Partner', { exact: true }).selectOption({ label: 'Georgia' });
  await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Bilateral' });
  await fill(page, 'First number', '1');
  await fill(page, 'Last number', '0');
  await page.getByRole('button', { name: 'Add the quota' }).click();
  await page.locator('.field-error:visible', { hasText: 'Enter a whole number, 1 or more.' }).waitFor();
  await fill(page, 'Last number', '50');
  await page.getByRole('button', { name: 'Add the quota' }).click();
  await page.getByRole('status').filter({ hasText: 'Quota 1–50 has been added.' }).waitFor();
  const ge = page.locator('tr[data-partner="GE"][data-direction="outbound"]');
  await ge.waitFor();
  assert.ok((await ge.innerText()).includes('1–50'));
  // An overlapping range is refused in words.
  await page.getByLabel('Partner', { exact: true }).selectOption({ label: 'Georgia' });
  await fill(page, 'First number', '40');
  await fill(page, 'Last number', '80');
  await page.getByRole('button', { name: 'Add the quota' }).click();
  await page.locator('.error-summary', { hasText: 'These serial numbers overlap another quota' }).waitFor();
  // Move the end.
  await ge.locator('input[type="number"]').fill('60');
  await ge.getByRole('button', { name: 'Save' }).click();
  await page.locator('tr[data-partner="GE"][data-direction="outbound"]', { hasText: '1–60' }).waitFor();
  assert.ok((await page.locator('.parity tr[data-partner="GE"]').innerText()).includes('More to us'));
  await shot(page, 'ministry-01-quotas');

  // Usage: the chart (inline SVG, labelled) and the same numbers in a table.
  await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
  await onPage(page, 'usage');
  const chart = page.locator('svg.chart');
  await chart.waitFor();
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.equal(await page.locator('#chart-outbound-title').textContent(), 'Quotas granted to us: share issued');
  const bar = chart.locator('g.bar[data-partner="UZ"][data-type="BILATERAL"]');
  assert.equal(await bar.getAttribute('data-issued'), '1');
  assert.equal(await bar.getAttribute('data-size'), '1000');
  assert.ok((await bar.textContent()).includes('Uzbekistan'));
  assert.ok((await page.locator('#chart-outbound-desc').textContent()).includes('Uzbekistan, Bilateral: 1 of 1,000 issued, 0 used.'));
  assert.equal(await chart.locator('g.bar').count(), await page.locator('.usage-chart tbody tr').count());
  const row = page.locator('.usage-chart tbody tr[data-partner="UZ"][data-type="BILATERAL"]');
  assert.deepEqual((await row.locator('th, td').allInnerTexts()).map((c) => c.trim()),
    ['Uzbekistan · Bilateral', '1,000', '1', '0', '0', '0', '0', '999']);
  assert.ok((await page.locator('section[aria-labelledby="usage-carriers"]').innerText()).includes('Ala-Too Trans LLC'));
  await shot(page, 'ministry-02-usage');

  // The CSV downloads.
  for (const [which, head] of [['usage', 'partner,direction,year,type,size,issued,used,returned,revoked,expired,remaining'],
    ['carriers', 'organisation_id,company,partner,year,type,issued,used,returned,revoked']]) {
    const link = page.locator(`a[data-csv="${which}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
    assert.equal(text.split('\r\n')[0], head, which);
    // The server's Content-Disposition names the file (it wins over the link's download name).
    assert.equal(download.suggestedFilename(), which === 'usage' ? 'quota-usage.csv' : 'carrier-usage.csv');
  }
  const csv = await page.locator('a[data-csv="usage"]').getAttribute('href');
  assert.equal(csv, `/api/v1/quotas/usage?format=csv&year=${YEAR}`);

  // The other direction.
  await page.getByLabel('Direction', { exact: true }).selectOption('inbound');
  await page.waitForURL(/direction=inbound/);
  await page.locator('#chart-inbound-title').waitFor({ state: 'attached' });
  assert.equal(await page.locator('svg.chart g.bar[data-partner="TRACECA"]').count(), 0, 'we grant the secretariat nothing');
  assert.deepEqual(problems, []);
  await context.close();
});

test('ministry: the review queue: a reason is required; approve issues the permit, reject does not', async () => {
  // Transit permits need the ministry's review from now on; the carrier applies twice.
  const ministry = await token('ministry');
  const carrier = await token('carrier');
  let r = await env.kapka.req('PUT', '/api/v1/permit-types/2', { token: ministry, body: { review: 'always' } });
  assert.equal(r.status, 200, r.text);
  const ids = [];
  for (const vehicle of [1, 2]) {
    r = await env.kapka.req('POST', '/api/v1/permit-applications', { token: carrier,
      body: { partner: 'UZ', type: 'TRANSIT', vehicle_id: vehicle, trip: { route: 'Bishkek – Tashkent – Termez', cargo: 'cement' } } });
    assert.equal(r.status, 202, r.text);
    ids.push(r.json.application.id);
  }

  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'ministry');
  await page.getByRole('navigation').getByRole('link', { name: 'Review queue' }).click();
  await onPage(page, 'review');
  const first = page.locator(`li.application[data-application="${ids[0]}"]`);
  await first.waitFor();
  const text = await first.innerText();
  for (const want of ['Ala-Too Trans LLC', 'Uzbekistan', 'Transit', '01KG123ABC', 'Bishkek – Tashkent – Termez', 'cement']) {
    assert.ok(text.includes(want), `the application shows ${want}:\n${text}`);
  }
  await shot(page, 'ministry-03-review-queue');

  await first.getByRole('button', { name: 'Approve and issue' }).click();
  await first.locator('.field-error:visible', { hasText: 'Fill this in.' }).waitFor();
  await first.getByLabel('Reason for the decision').fill('Route and cargo checked.');
  await first.getByRole('button', { name: 'Approve and issue' }).click();
  await first.getByRole('status').filter({ hasText: new RegExp(`Application #${ids[0]} approved: permit KG-UZ-${YEAR}-2-\\d+ issued\\.`) }).waitFor();
  assert.equal(await first.getAttribute('data-decision'), 'issued');

  const second = page.locator(`li.application[data-application="${ids[1]}"]`);
  await second.getByLabel('Reason for the decision').fill('The vehicle was inspected and found unfit.');
  await second.getByRole('button', { name: 'Reject' }).click();
  await second.getByRole('status').filter({ hasText: `Application #${ids[1]} rejected.` }).waitFor();
  await shot(page, 'ministry-04-review-decided');

  // The queue is empty now; the carrier has the one permit, and the reason on the rejection.
  await visit(page, 'review');
  await page.getByRole('status').filter({ hasText: 'No applications are waiting for review.' }).waitFor();
  r = await env.kapka.req('GET', `/api/v1/permit-applications/${ids[1]}`, { token: carrier });
  assert.equal(r.json.status, 'rejected');
  assert.equal(r.json.decision_reason, 'The vehicle was inspected and found unfit.');
  r = await env.kapka.req('PUT', '/api/v1/permit-types/2', { token: ministry, body: { review: 'never' } });
  assert.equal(r.status, 200);
  assert.deepEqual(problems, []);
  await context.close();
});

test('ministry: suspend a carrier (it is refused permits), then reactivate it; the auditor only reads', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'ministry');
  await page.getByRole('navigation').getByRole('link', { name: 'Carriers' }).click();
  await onPage(page, 'carriers');
  // the list of carriers is searched by the server, in any case (Latin or Cyrillic)
  const carrierList = page.locator('section.carrier-list');
  await carrierList.getByLabel('Search').fill('ALA-TOO trans');
  await carrierList.getByRole('button', { name: 'Show' }).click();
  await carrierList.locator('.list-count[data-total="1"]').waitFor();
  const card = page.locator('li.carrier', { hasText: 'Ala-Too Trans LLC' });
  await card.locator('summary', { hasText: 'Suspend' }).click(); // opens the form
  await card.getByRole('button', { name: 'Suspend' }).click();
  await card.locator('.field-error:visible', { hasText: 'Fill this in.' }).waitFor();
  await card.getByLabel('Reason for the suspension').fill('Insurance lapsed.');
  await card.getByRole('button', { name: 'Suspend' }).click();
  await page.getByRole('status').filter({ hasText: 'Ala-Too Trans LLC is suspended.' }).waitFor();
  const suspended = page.locator('li.carrier[data-status="suspended"]', { hasText: 'Ala-Too Trans LLC' });
  await suspended.waitFor();
  await shot(page, 'ministry-05-carrier-suspended');

  // The carrier applies meanwhile: refused, and told why.
  const carrierPage = await openPage(env.browser, env.kapka.url);
  await signInAs(carrierPage.page, 'carrier');
  await visit(carrierPage.page, 'apply');
  await carrierPage.page.getByLabel('Country', { exact: true }).selectOption({ label: 'Türkiye' });
  const vehicle = carrierPage.page.getByLabel('Vehicle', { exact: true });
  await vehicle.selectOption({ index: 1 });
  await carrierPage.page.getByRole('button', { name: 'Apply', exact: true }).click();
  const refused = carrierPage.page.locator('.decision-bad li[data-code="CARRIER_SUSPENDED"]');
  await refused.waitFor();
  assert.equal(await refused.innerText(),
    'Your company is suspended and cannot receive permits. Contact the Ministry of Transport.');
  await shot(carrierPage.page, 'ministry-06-carrier-refused-suspended');
  assert.deepEqual(carrierPage.problems, []);
  await carrierPage.context.close();

  await suspended.locator('summary', { hasText: 'Reactivate' }).click();
  await suspended.getByLabel('Reason for the reactivation').fill('Insurance renewed.');
  await suspended.getByRole('button', { name: 'Reactivate' }).click();
  await page.getByRole('status').filter({ hasText: 'Ala-Too Trans LLC is active again.' }).waitFor();
  await page.locator('li.carrier[data-status="active"]', { hasText: 'Ala-Too Trans LLC' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();

  // The auditor sees quotas, the queue and carriers, with no way to change them.
  const aud = await openPage(env.browser, env.kapka.url);
  await signInAs(aud.page, 'auditor');
  assert.deepEqual(await aud.page.getByRole('navigation').getByRole('link').allInnerTexts(),
    ['Home', 'Quotas', 'Find a permit', 'Review queue', 'Search permits', 'Usage', 'Trends', 'e-CMR', 'Agency desk', 'Carriers', 'Partners', 'Throughput', 'EV quota', 'Crossings', 'Users', 'Audit trail', 'Transparency']);
  await visit(aud.page, 'quotas');
  await aud.page.locator('.parity tr[data-partner="UZ"]').waitFor();
  assert.equal(await aud.page.getByRole('button', { name: 'Add the quota' }).count(), 0);
  assert.equal(await aud.page.locator('form.adjust').count(), 0);
  await visit(aud.page, 'carriers');
  await aud.page.locator('li.carrier').first().waitFor();
  assert.equal(await aud.page.locator('details.status-change').count(), 0);
  assert.deepEqual(aud.problems, []);
  await aud.context.close();
});
