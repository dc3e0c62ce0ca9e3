// forms.test.mjs: the server's problem on a form is shown next to its field and in the
// summary, in the page's language (issue 17, item 3): the stay calculator (overlapping
// stays), a vehicle's temporary import (entered "from" Kyrgyzstan) and a crossing's
// closure (ends before it starts), each at 390 and 1280 px, read in en, ru and ky; a
// booking moved to another hour in one step on the booking page, and its history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, openPage, shot, signInAs, visit, overflow } from './helpers.mjs';
import { ROOT, localDate } from '../lib/kapka.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

const LANGS = ['en', 'ru', 'ky'];
const catalogue = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(ROOT, 'web', 'i18n', `${l}.json`), 'utf8'))]));

// After a failed submit: the field's own message and the summary say catalogue key's words
// in each language; the English problem never shows on ru/ky.
async function expectProblem(page, name, key, shotName) {
  const err = page.locator(`#main .field[data-name="${name}"] .field-error`);
  await err.waitFor();
  for (const lang of LANGS) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    assert.equal((await err.innerText()).trim(), catalogue[lang][key], `${name} in ${lang}`);
    const input = page.locator(`#main [data-field="${name}"]`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const summary = await err.locator('xpath=ancestor::form').locator('.error-summary').innerText();
    assert.ok(summary.includes(catalogue[lang][key]), `summary in ${lang}: ${summary}`);
    assert.deepEqual((await overflow(page)).wide, [], `${shotName} ${lang} fits`);
    await shot(page, `${shotName}-${lang}`);
  }
  await page.locator('.lang-switch [data-lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor();
}

for (const width of [390, 1280]) {
  test(`stay and temporary import: problems by their fields, ${width} px`, async () => {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width });
    await signInAs(page, 'traveller');
    await visit(page, 'stay');
    await page.getByLabel('Nationality', { exact: true }).selectOption({ label: 'France' });
    await page.getByRole('button', { name: 'Add a stay' }).click();
    await page.locator('input[name="entry_0"]').fill('2024-03-01');
    await page.locator('input[name="exit_0"]').fill('2024-03-20');
    await page.locator('input[name="entry_1"]').fill('2024-03-10');
    await page.locator('input[name="exit_1"]').fill('2024-03-30');
    await page.locator('input[name="planned_entry"]').fill('2024-06-01');
    await page.getByRole('button', { name: 'Calculate' }).click();
    await expectProblem(page, 'entry_1', 'form.problem.stay_overlap', `forms-stay-${width}`);

    await visit(page, 'tips');
    const values = { plate: `FX ${width} AB`, plate_country: 'FR', owner_name: 'Marie Dupont', owner_passport: '12AB34567',
      entry_checkpoint: 'dostyk', entered_from: 'KG' };
    for (const [name, v] of Object.entries(values)) await page.locator(`#main input[name="${name}"]`).fill(v);
    await page.getByRole('button', { name: 'Record the entry' }).click();
    await expectProblem(page, 'entered_from', 'form.problem.entered_from_self', `forms-tip-${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`crossing administration: a closure that ends before it starts, ${width} px`, async () => {
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width });
    await signInAs(page, 'ministry');
    await visit(page, 'checkpoints/irkeshtam');
    const form = page.locator('#main section[aria-labelledby="cpadmin-closures"]');
    await form.locator('input[name="from"]').fill('2027-01-02T08:00');
    await form.locator('input[name="to"]').fill('2027-01-01T08:00');
    await form.locator('input[name="reason"]').fill('flood');
    await form.locator('button[type="submit"]').click();
    await expectProblem(page, 'to', 'form.problem.to_before_from', `forms-closure-${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Booking hours on a coming day at Dostyk (the first of the next days it is open).
async function openHours(k, tok) {
  for (let d = 2; d < 9; d++) {
    const date = localDate(d); // in Kyrgyzstan, on the server's (the suite's) clock
    const r = await k.req('POST', '/api/v1/checkpoints/dostyk/slots', { token: tok, body: { flow: 'car', date, from_hour: 10, to_hour: 12, capacity: 3 } });
    if (r.status === 201) return { date, slots: r.json.items };
  }
  throw new Error('Dostyk takes no car bookings in the next week');
}

for (const width of [390, 1280]) {
  test(`booking page: move a booking to another hour, then its history, ${width} px`, async () => {
    const k = env.kapka;
    const { date, slots: [first, second] } = await openHours(k, await k.login('ministry', 'kapka-demo-2026'));
    const tok = await k.login('traveller', 'kapka-demo-2026');
    const plate = `MV${width}${process.pid % 1000}`.slice(0, 10);
    const made = await k.req('POST', '/api/v1/bookings', { token: tok, body: { slot_id: first.id, plate } });
    assert.equal(made.status, 201, made.text);
    const { page, context, problems } = await openPage(env.browser, k.url, { width });
    await signInAs(page, 'traveller');
    await visit(page, 'booking');
    const card = page.locator(`#main .booking[data-id="${made.json.id}"]`);
    await card.getByRole('button', { name: 'Move to another hour' }).click();
    await page.locator('#main input[name="date"]').fill(date);
    await page.locator('#main input[name="date"]').dispatchEvent('change');
    // the hours are loaded again for the new day: pick the hour once the last answer is drawn
    await page.waitForLoadState('networkidle');
    await page.locator(`#main input[name="slot"][value="${second.id}"]`).check();
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.locator('#main .slip').waitFor();
    const after = await k.req('GET', `/api/v1/bookings/${made.json.id}`, { token: tok });
    assert.equal(after.json.slot_id, second.id, 'the same booking, in the new hour');
    const list = await k.req('GET', `/api/v1/bookings?active=true`, { token: tok });
    assert.equal(list.json.items.filter((b) => b.plate === after.json.plate).length, 1, 'no second booking');
    const hist = card.locator('details.history');
    await hist.locator('summary').click();
    await hist.locator('.history-entry[data-action="booking.move"]').waitFor();
    for (const lang of LANGS) {
      await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
      await page.locator(`html[lang="${lang}"]`).waitFor();
      const words = await hist.locator('.history-entry').allInnerTexts();
      assert.equal(words.length, 2, words.join(' | '));
      assert.ok(words[0].includes(catalogue[lang]['history.action.booking_create']), words[0]);
      assert.ok(words[1].includes(catalogue[lang]['history.action.booking_move']), words[1]);
      assert.ok(words[1].includes(catalogue[lang]['history.by_you']), words[1]);
      assert.deepEqual((await overflow(page)).wide, [], `booking ${lang} fits`);
      await hist.scrollIntoViewIfNeeded();
      await shot(page, `forms-booking-history-${width}-${lang}`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Data named in each language on a crossing's page: the permission Kyzyl-Art needs and its
// closure's reason follow the page's language (issue 17, item 11).
for (const width of [390, 1280]) {
  test(`crossing page: permission and closure reason in the page's language, ${width} px`, async () => {
    const cp = await env.kapka.req('GET', '/api/v1/checkpoints/kyzyl-art');
    const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width });
    await page.goto('/#/checkpoints/kyzyl-art');
    await page.locator('#main h1[data-code="kyzyl-art"]').waitFor();
    for (const lang of LANGS) {
      await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
      await page.locator(`html[lang="${lang}"]`).waitFor();
      const text = await page.locator('#main').innerText();
      assert.ok(text.includes(cp.json.permission_names[lang]), `permission in ${lang}`);
      assert.ok(text.includes(cp.json.closures[0].reason_names[lang]), `closure reason in ${lang}`);
      assert.ok(text.includes(cp.json.post_names.KG[lang]), `post name in ${lang}`);
      assert.ok(text.includes(cp.json.notes_names[lang]), `notes in ${lang}`);
      if (lang !== 'en') assert.ok(!text.includes(cp.json.permission), `no English permission on the ${lang} page`);
      if (lang !== 'en') assert.ok(!text.includes(cp.json.notes), `no English notes on the ${lang} page`);
      assert.deepEqual((await overflow(page)).wide, [], `kyzyl-art ${lang} fits`);
      await shot(page, `forms-names-kyzyl-art-${width}-${lang}`);
    }
    // a crossing in a restricted border zone: the zone named in the page's language too
    const tg = await env.kapka.req('GET', '/api/v1/checkpoints/torugart');
    await page.goto('/#/checkpoints/torugart');
    await page.locator('#main h1[data-code="torugart"]').waitFor();
    for (const lang of LANGS) {
      await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
      await page.locator(`html[lang="${lang}"]`).waitFor();
      const text = await page.locator('#main').innerText();
      assert.ok(text.includes(tg.json.border_zone_names[lang]), `border zone in ${lang}`);
      assert.ok(text.includes(tg.json.notes_names[lang]), `torugart notes in ${lang}`);
      if (lang !== 'en') assert.ok(!text.includes(tg.json.border_zone), `no English border zone on the ${lang} page`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// A consignment note's problem by its path (goods[0].gross_weight_kg) lands on the form's
// own field, in the page's language.
test('e-CMR: the weight refused by the server is shown by the weight field', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390 });
  await signInAs(page, 'carrier');
  await visit(page, 'ecmr');
  await page.locator('#main').getByText('New consignment note').click();
  const values = { sender_name: 'Osh Dried Fruit LLC', sender_city: 'Osh', sender_phone: '+996 555 123456', consignee_name: 'Almaty Trade Ltd',
    consignee_city: 'Almaty', consignee_country: 'KZ', consignee_email: 'buy@almatytrade.kz', taking_over_date: '2026-12-06', plate: '01KG777FRM', goods_nature: 'dried apricots', goods_packages: '20',
    goods_packaging: 'pallets', goods_weight: '0' };
  for (const [name, v] of Object.entries(values)) await page.locator(`#main [name="${name}"]`).fill(v);
  await page.getByRole('button', { name: 'Draw up the note' }).click();
  const err = page.locator('#main .field[data-name="goods_weight"] .field-error');
  await err.waitFor();
  for (const lang of LANGS) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    const text = (await err.innerText()).trim();
    const words = catalogue[lang]['form.problem.number_between'].split('{')[0].trim();
    assert.ok(text.startsWith(words) && !text.includes('{'), `${lang}: ${text}`);
    await shot(page, `forms-ecmr-weight-390-${lang}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// A party's e-mail and phone: one of the two is needed (the server's rule), so neither is
// labelled optional, and a note with neither, or with a malformed phone, is stopped in the
// browser with the server's words.
test('e-CMR: a party without e-mail or phone is stopped in the browser, in each language', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390 });
  await signInAs(page, 'carrier');
  await visit(page, 'ecmr');
  await page.locator('#main').getByText('New consignment note').click();
  for (const lang of LANGS) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    for (const name of ['sender_email', 'sender_phone', 'consignee_email']) {
      const label = await page.locator(`#main .field[data-name="${name}"] label`).innerText();
      assert.ok(label.includes(catalogue[lang]['ecmr.one_of_two']) && !label.includes(catalogue[lang]['form.optional']), `${lang}: ${label}`);
    }
  }
  await page.locator('.lang-switch [data-lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor();
  const values = { sender_name: 'Osh Dried Fruit LLC', sender_city: 'Osh', consignee_name: 'Almaty Trade Ltd', consignee_city: 'Almaty',
    consignee_country: 'KZ', consignee_phone: '+7 701 1234567', taking_over_date: '2026-12-06', plate: '01KG778FRM',
    goods_nature: 'dried apricots', goods_packages: '20', goods_packaging: 'pallets', goods_weight: '900' };
  for (const [name, v] of Object.entries(values)) await page.locator(`#main [name="${name}"]`).fill(v);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/ecmr')) posts.push(r.url()); });
  await page.getByRole('button', { name: 'Draw up the note' }).click();
  await expectProblem(page, 'sender_email', 'form.problem.email_or_phone', 'words-ecmr-contact-390');
  assert.equal(await page.locator('#main .field[data-name="consignee_email"] .field-error').isHidden(), true);
  await page.locator('#main [name="sender_phone"]').fill('0555 123456');
  await page.getByRole('button', { name: 'Draw up the note' }).click();
  await expectProblem(page, 'sender_phone', 'problem.phone_plus', 'words-ecmr-phone-390');
  assert.deepEqual(posts, []);
  // with a phone in the international form the note is drawn up
  await page.locator('#main [name="sender_phone"]').fill('+996 555 123456');
  await page.getByRole('button', { name: 'Draw up the note' }).click();
  await page.locator('.view[data-page="ecmr"] h1 .mono').waitFor();
  assert.equal(posts.length, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

// The ministry's view of a permit (#/lookup/<id>): its history, in the page's language.
test('permit lookup: the history of a returned permit, 1280 px', async () => {
  const k = env.kapka;
  const ctok = await k.login('carrier', 'kapka-demo-2026');
  const { items } = (await k.req('GET', '/api/v1/permits?limit=100', { token: ctok })).json;
  const unused = items.find((p) => p.status === 'issued' && !p.used_up);
  assert.ok(unused, 'the demo carrier has an unused permit');
  const back = await k.req('POST', `/api/v1/permits/${encodeURIComponent(unused.id)}/return`, { token: ctok });
  assert.equal(back.status, 200, back.text);
  const { page, context, problems } = await openPage(env.browser, k.url, { width: 1280 });
  await signInAs(page, 'ministry');
  await page.goto(`/#/lookup/${encodeURIComponent(unused.id)}`);
  const hist = page.locator(`#main .permit[data-permit="${unused.id}"] details.history`);
  await hist.locator('summary').click();
  const returned = hist.locator('.history-entry[data-action="permit.return"]');
  await returned.waitFor();
  for (const lang of LANGS) {
    await page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await page.locator(`html[lang="${lang}"]`).waitFor();
    const text = await returned.innerText();
    assert.ok(text.includes(catalogue[lang]['history.action.permit_return']), `${lang}: ${text}`);
    assert.ok(text.includes(catalogue[lang]['history.by.carrier']), `${lang}: ${text}`);
    await shot(page, `forms-permit-history-1280-${lang}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});
