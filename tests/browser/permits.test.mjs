// permits.test.mjs: the freight e-permit pages on the demo data. A carrier registers a
// vehicle, applies for a permit to Uzbekistan, sees it issued with its QR code and downloads
// the PDF; a border officer verifies it by pasting the QR text (VALID), records the entrance,
// sees a forged one refused, and checks without a network. A refusal lists every failed
// check, translated. The carrier returns an unused permit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { harness, openPage, shot, onPage, signInAs, visit, fill, overflow, DEMO_PASSWORD } from './helpers.mjs';
import { localDate } from '../lib/kapka.mjs';
import { intoTheNewYear, demoPermitThisYear } from '../lib/years.mjs';

const env = harness();
// YEAR: the server's year; DEMO_YEAR: the year its demo data was loaded in (they differ
// when the suite's clock starts the server in a year's last seconds).
let YEAR, DEMO_YEAR;
before(async () => {
  await env.start({ servers: { kapka: { demo: true } } });
  const years = await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD));
  ({ year: YEAR, demoYear: DEMO_YEAR } = years);
  await demoPermitThisYear(env.kapka, years, await env.kapka.login('carrier', DEMO_PASSWORD));
});
after(() => env.stop());

const TRUCK = { plate: '01KG 777 XYZ', norm: '01KG777XYZ', vin: 'WMA13XZZ7PM001234', make: 'MAN', model: 'TGX 18.510' };
const state = {};

// Choose the option of a <select> (found by its label) whose text contains text.
async function chooseByText(page, label, text) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.evaluate((el, want) => [...el.options].find((o) => o.textContent.includes(want))?.value, text);
  assert.ok(value, `${label}: an option with ${text}`);
  await select.selectOption(value);
}

async function apiToken(user) {
  return env.kapka.login(user, DEMO_PASSWORD);
}

test('carrier: register a vehicle, apply for a UZ permit, see its QR code, download the PDF', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'carrier');
  assert.deepEqual(await page.getByRole('navigation').getByRole('link').allInnerTexts(),
    ['Home', 'Vehicles', 'Apply for a permit', 'My permits', 'e-CMR', 'Book a crossing', 'Single window', 'EV quota', 'Crossings', 'Transparency']);

  // Vehicles: the two demo trucks, then a third registered here.
  await page.getByRole('navigation').getByRole('link', { name: 'Vehicles' }).click();
  await onPage(page, 'vehicles');
  await page.locator('li.vehicle[data-plate="01KG123ABC"]').waitFor();
  await fill(page, 'Plate number', TRUCK.plate);
  await fill(page, 'VIN', 'WMA13XZZ7PM00123'); // 16 characters: refused before it is sent
  await page.getByLabel('Kind of vehicle').selectOption('tractor');
  await page.getByLabel('Euro emission class').selectOption('6');
  await fill(page, 'Make (optional)', TRUCK.make);
  await fill(page, 'Model (optional)', TRUCK.model);
  await page.getByRole('button', { name: 'Register the vehicle' }).click();
  await page.locator('.field-error:visible', { hasText: 'Must be exactly 17 characters.' }).waitFor();
  await fill(page, 'VIN', TRUCK.vin.toLowerCase()); // sent in capitals
  await page.getByRole('button', { name: 'Register the vehicle' }).click();
  await page.getByRole('status').filter({ hasText: `Vehicle ${TRUCK.norm} has been registered.` }).waitFor();
  const card = page.locator(`li.vehicle[data-plate="${TRUCK.norm}"]`);
  await card.waitFor();
  const cardText = await card.innerText();
  for (const want of [TRUCK.vin, 'MAN TGX 18.510', 'Tractor unit', 'Euro 6', 'In service']) {
    assert.ok(cardText.includes(want), `vehicle card shows ${want}:\n${cardText}`);
  }
  // The same plate again: the server's refusal, in words.
  await fill(page, 'Plate number', TRUCK.norm);
  await fill(page, 'VIN', 'WMA13XZZ7PM009999');
  await page.getByRole('button', { name: 'Register the vehicle' }).click();
  await page.locator('.error-summary', { hasText: 'A vehicle with this plate or VIN is already registered.' }).waitFor();
  await shot(page, 'permits-01-vehicles');

  // Apply: Uzbekistan, bilateral, the new truck, with a trip.
  await page.getByRole('navigation').getByRole('link', { name: 'Apply for a permit' }).click();
  await onPage(page, 'apply');
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Uzbekistan' });
  await page.getByLabel('Permit type').selectOption({ label: 'Bilateral' });
  await chooseByText(page, 'Vehicle', TRUCK.norm);
  await fill(page, 'Route (optional)', 'Osh – Dostuk – Andijan');
  const today = localDate(0); // the server's today: a departure today is never refused
  await page.getByLabel('Departure date (optional)').fill(today);
  await fill(page, 'Cargo (optional)', 'dried apricots');
  await shot(page, 'permits-02-apply-form');
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/permit-applications') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const answer = await applied;
  assert.equal(answer.status(), 201);
  assert.deepEqual(answer.request().postDataJSON().trip,
    { route: 'Osh – Dostuk – Andijan', departure_date: today, cargo: 'dried apricots' });

  // Issued at once: the permit, its QR code and the PDF.
  const decision = page.locator('.decision-ok');
  await decision.getByRole('heading', { name: 'Permit issued' }).waitFor();
  const doc = page.locator('.permit-doc');
  const id = await doc.getAttribute('data-permit');
  assert.match(id, new RegExp(`^KG-UZ-${YEAR}-1-\\d+$`));
  const docText = await doc.innerText();
  for (const want of [id, TRUCK.norm, 'Ala-Too Trans LLC', 'Uzbekistan', 'Bilateral', 'Valid', `January 31, ${YEAR + 1}`]) {
    assert.ok(docText.includes(want), `the issued permit shows ${want}:\n${docText}`);
  }
  const qr = doc.locator('.qr img');
  assert.equal(await qr.getAttribute('src'), `/api/v1/permits/${id}/qr?format=svg`);
  assert.equal(await qr.getAttribute('alt'), `QR code of permit ${id}`);
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await qr.elementHandle());
  await shot(page, 'permits-03-issued');

  const [download] = await Promise.all([page.waitForEvent('download'), doc.getByRole('link', { name: 'Download the PDF' }).click()]);
  assert.equal(download.suggestedFilename(), `${id}.pdf`);
  const pdf = readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.includes(Buffer.from('%%EOF')), 'a complete PDF');
  state.permit = id;

  // My permits lists it, with the QR code on request.
  await doc.getByRole('link', { name: 'All my permits' }).click();
  await onPage(page, 'permits');
  const mine = page.locator(`li.permit[data-permit="${id}"]`);
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-status'), 'issued');
  await mine.getByText('Show the QR code').click();
  await mine.locator('.qr img').waitFor();
  await shot(page, 'permits-04-my-permits');
  assert.deepEqual(problems, []);
  await context.close();
});

test('officer: paste the QR text → VALID, record the entrance; a forged code → NOT VALID; offline check', async () => {
  assert.ok(state.permit, 'the carrier test issued a permit');
  const carrier = await apiToken('carrier');
  const r = await env.kapka.req('GET', `/api/v1/permits/${state.permit}`, { token: carrier });
  assert.equal(r.status, 200);
  const qrText = r.json.qr;

  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'officer');
  assert.deepEqual(await page.getByRole('navigation').getByRole('link').allInnerTexts(),
    ['Home', 'Verify a permit', 'Check a zone permit', 'Find a permit', 'Border post', 'e-CMR', 'Agency desk', 'Agency queue', 'EV quota', 'Crossings', 'Transparency']);
  await page.getByRole('navigation').getByRole('link', { name: 'Verify a permit' }).click();
  await onPage(page, 'verify');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Scan a QR code or paste its text first.' }).waitFor();

  await page.getByLabel('QR text', { exact: true }).fill(qrText);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  const verdict = page.locator('.verdict');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-valid'), 'true');
  assert.match(await verdict.locator('.verdict-word').innerText(), /^✓\s*VALID$/);
  const vText = await verdict.innerText();
  for (const want of [state.permit, TRUCK.norm, 'Ala-Too Trans LLC', `January 31, ${YEAR + 1}`, 'Valid']) {
    assert.ok(vText.includes(want), `the verdict shows ${want}:\n${vText}`);
  }
  const green = await verdict.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(green, 'rgb(232, 243, 233)', 'green');
  await shot(page, 'permits-05-verify-valid');

  // Record the entrance at the post; the checkpoint is remembered on this device.
  await page.getByLabel('Checkpoint').fill('Dostuk');
  await page.getByRole('button', { name: 'Record exit' }).click();
  await verdict.locator('.error-summary', { hasText: 'No entrance is recorded yet: record the entrance first.' }).waitFor();
  await page.getByRole('button', { name: 'Record entrance' }).click();
  await verdict.getByRole('status').filter({ hasText: 'Entrance recorded at Dostuk.' }).waitFor();
  await verdict.locator('.activities li[data-activity="ENTRANCE"]', { hasText: 'Dostuk' }).waitFor();
  await shot(page, 'permits-06-entrance-recorded');

  // Look it up by plate: the record, with the crossing.
  await page.getByRole('navigation').getByRole('link', { name: 'Find a permit' }).click();
  await onPage(page, 'lookup');
  await fill(page, 'Permit number or plate', TRUCK.plate.toLowerCase());
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  const found = page.locator(`li.permit[data-permit="${state.permit}"]`);
  await found.waitFor();
  await found.locator('.activities li', { hasText: 'Entrance' }).waitFor();
  assert.equal(await found.getByLabel('Checkpoint').inputValue(), 'Dostuk', 'the checkpoint is remembered');
  await fill(page, 'Permit number or plate', 'KG-UZ-1999-1-1');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'No permit found for KG-UZ-1999-1-1.' }).waitFor();

  // A forged code: one character of the signature changed.
  await visit(page, 'verify');
  const [h, p, s] = qrText.split('.');
  const forged = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  await page.getByLabel('QR text', { exact: true }).fill(forged);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('.verdict[data-valid="false"]').waitFor();
  const bad = page.locator('.verdict');
  assert.match(await bad.locator('.verdict-word').innerText(), /NOT VALID/);
  assert.deepEqual(await bad.locator('.reasons li').allInnerTexts(), ['The signature does not match: the QR code is forged or damaged.']);
  assert.equal(await bad.locator('.reasons li').getAttribute('data-code'), 'BAD_SIGNATURE');
  // In Kyrgyz, the same verdict relabels in place.
  await page.locator('.lang-switch [data-lang="ky"]').click();
  await page.locator('html[lang="ky"]').waitFor();
  assert.match(await bad.locator('.verdict-word').innerText(), /ЖАРАКСЫЗ/);
  assert.deepEqual(await bad.locator('.reasons li').allInnerTexts(), ['Кол тамга дал келбейт: QR код жасалма же бузулган.']);
  await shot(page, 'permits-07-verify-forged-ky');
  await page.locator('.lang-switch [data-lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor();

  // Garbage is reported as such.
  await page.getByLabel('QR text', { exact: true }).fill('hello');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('.verdict .reasons li[data-code="MALFORMED"]').waitFor();

  // The network fails: the text stays, the officer is told, and the signature is checked here
  // with the keys this page kept when it opened.
  await page.waitForFunction(() => !!localStorage.getItem('kapka_keys'));
  await page.getByLabel('QR text', { exact: true }).fill(qrText);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'No connection to the server. Your text is kept' }).waitFor();
  const offline = page.locator('.verdict[data-offline="true"]');
  await offline.waitFor();
  assert.equal(await offline.getAttribute('data-valid'), 'true');
  assert.match(await offline.locator('.verdict-word').innerText(), /SIGNATURE VALID \(offline check\)/);
  assert.equal(await page.getByLabel('QR text', { exact: true }).inputValue(), qrText, 'the pasted text is kept');
  await shot(page, 'permits-08-verify-offline');
  await page.getByLabel('QR text', { exact: true }).fill(forged);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator('.verdict[data-offline="true"][data-valid="false"] .reasons li[data-code="BAD_SIGNATURE"]').waitFor();
  // Back online: "Try again" asks the server.
  await context.setOffline(false);
  await page.getByLabel('QR text', { exact: true }).fill(qrText);
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.locator('.verdict[data-offline="false"][data-valid="true"]').waitFor();
  // A reload keeps the last text too (this tab only).
  await page.reload();
  await onPage(page, 'verify');
  assert.equal(await page.getByLabel('QR text', { exact: true }).inputValue(), qrText);

  assert.deepEqual(problems.filter((x) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(x)), []);
  await context.close();
});

test('a refused application lists every failed check, translated; an unused permit is returned', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url);
  await signInAs(page, 'carrier');

  // The same truck again: it already holds an unused permit for Uzbekistan.
  await visit(page, 'apply');
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Uzbekistan' });
  await chooseByText(page, 'Vehicle', '01KG123ABC');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const refused = page.locator('.decision-bad');
  await refused.getByRole('heading', { name: 'Permit refused' }).waitFor();
  assert.deepEqual(await refused.locator('li').allInnerTexts(),
    ['This vehicle already has an unused permit of this type for this country this year.']);
  assert.equal(await page.locator('.permit-doc').count(), 0);
  await shot(page, 'permits-09-refused-duplicate');

  // An old trailer: two checks fail at once, both listed.
  const carrier = await apiToken('carrier');
  const t = await env.kapka.req('POST', '/api/v1/vehicles', { token: carrier,
    body: { plate: '01KG 555 TRL', vin: 'SKT12345678901234', kind: 'trailer', euro_class: 2 } });
  assert.equal(t.status, 201, t.text);
  await visit(page, 'apply');
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Kazakhstan' });
  await chooseByText(page, 'Vehicle', '01KG555TRL');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await refused.waitFor();
  assert.deepEqual(await refused.locator('li').evaluateAll((els) => els.map((el) => el.dataset.code)),
    ['VEHICLE_KIND', 'VEHICLE_EMISSION_CLASS']);
  assert.deepEqual(await refused.locator('li').allInnerTexts(), [
    'A freight permit is only for a tractor unit or a truck, not for a trailer or a bus.',
    "The vehicle's Euro emission class is too low for this permit type."]);
  await page.locator('.lang-switch [data-lang="ru"]').click();
  await page.locator('html[lang="ru"]').waitFor();
  assert.equal(await refused.locator('h2').innerText(), 'В разрешении отказано');
  assert.deepEqual(await refused.locator('li').allInnerTexts(), [
    'Разрешение на перевозку грузов выдаётся только на тягач или грузовик, не на прицеп или автобус.',
    'Экологический класс транспортного средства ниже требуемого для этого вида разрешения.']);
  await shot(page, 'permits-10-refused-two-reasons-ru');
  await page.locator('.lang-switch [data-lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor();

  // Retire the trailer in the UI: it leaves the list of vehicles to apply with.
  await visit(page, 'vehicles');
  const trailer = page.locator('li.vehicle[data-plate="01KG555TRL"]');
  await trailer.getByRole('button', { name: 'Retire' }).click();
  await trailer.getByRole('button', { name: 'Yes, retire it' }).click();
  await page.locator('li.vehicle[data-plate="01KG555TRL"][data-status="retired"]').waitFor();
  await visit(page, 'apply');
  const options = await page.getByLabel('Vehicle', { exact: true }).locator('option').allInnerTexts();
  assert.ok(!options.some((o) => o.includes('01KG555TRL')), options.join(', '));

  // Return the demo permit, which was never used.
  const demoPermit = `KG-UZ-${DEMO_YEAR}-1-1`;
  await visit(page, 'permits');
  const item = page.locator(`li.permit[data-permit="${demoPermit}"]`);
  await item.getByRole('button', { name: 'Return unused' }).click();
  await item.getByRole('button', { name: 'Yes, return it' }).click();
  await page.locator(`li.permit[data-permit="${demoPermit}"][data-status="returned"]`).waitFor();
  const returned = page.locator(`li.permit[data-permit="${demoPermit}"]`);
  assert.ok((await returned.innerText()).includes('Returned'));
  assert.equal(await returned.getByRole('button', { name: 'Return unused' }).count(), 0);
  // no live QR code for a permit that is no longer valid; its PDF (VOID) is still there
  assert.equal(await returned.getByText('Show the QR code').count(), 0);
  assert.equal(await returned.getByRole('link', { name: 'Download the PDF' }).count(), 1);
  // The permit the officer recorded an entrance on cannot be returned: no button.
  const used = page.locator(`li.permit[data-permit="${state.permit}"]`);
  assert.equal(await used.getAttribute('data-status'), 'used');
  assert.equal(await used.getByRole('button', { name: 'Return unused' }).count(), 0);
  await shot(page, 'permits-11-returned');
  assert.deepEqual(problems, []);
  await context.close();
});

test('360 px: the permit pages fit a phone in Kyrgyz', async () => {
  const pages = { carrier: ['vehicles', 'apply', 'permits'], officer: ['verify', 'lookup'], ministry: ['quotas', 'review', 'usage', 'carriers'] };
  for (const [user, routes] of Object.entries(pages)) {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 360, height: 740 });
    await signInAs(page, user);
    await page.locator('.lang-switch [data-lang="ky"]').click();
    await page.locator('html[lang="ky"]').waitFor();
    for (const route of routes) {
      await visit(page, route);
      await page.waitForLoadState('networkidle');
      const o = await overflow(page);
      assert.equal(o.extra, 0, `${route} (${user}) scrolls sideways; too wide: ${o.wide.join(', ')}`);
      const small = await page.evaluate(() => [...document.querySelectorAll('main button, main select, main input:not([type=file]):not([type=checkbox]), main a.button, main summary')]
        .filter((el) => el.getClientRects().length && el.getBoundingClientRect().height < 40)
        .map((el) => `${el.tagName} ${el.name || el.textContent.trim()}`));
      assert.deepEqual(small, [], `${route}: touch targets at least 40 px high`);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
        .filter((el) => el.labels.length === 0).map((el) => el.name || el.id));
      assert.deepEqual(unlabelled, [], `${route}: every field has a label`);
      assert.equal(await page.locator('main h1').count(), 1, `${route}: one h1`);
    }
    await shot(page, `permits-360-${user}-${routes.at(-1)}-ky`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
