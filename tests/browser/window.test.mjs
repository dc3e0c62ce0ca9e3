// window.test.mjs: the single window in a real browser at phone width, in all three
// languages: the demo importer applies for the duty-free EV quota in English (a bad VIN is
// refused next to its field first), customs approves in Kyrgyz, the Ministry of Economy asks
// for more in Russian and the importer answers, the registration service cannot approve
// before its fee is paid, the importer pays and gets the receipt, the registration service
// approves; the public register shows the year and finds the VIN in each language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, openPage, shot, signIn, signInAs, visit, onPage, overflow, DEMO_PASSWORD } from './helpers.mjs';
import { settleYear } from '../lib/years.mjs';
import { ROOT } from '../lib/kapka.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const catalogue = (lang) => JSON.parse(readFileSync(join(ROOT, 'web', 'i18n', `${lang}.json`), 'utf8'));
const KY = catalogue('ky');
const RU = catalogue('ru');

// A Chinese maker's VIN (check digit required), model year 2026.
function vin() {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const V = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
  const W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
  const tail = String(Date.now() % 10000000).padStart(7, '0');
  const v = `LRWYGCEK0T${tail}`;
  let s = 0;
  for (let i = 0; i < 17; i++) s += (/\d/.test(v[i]) ? Number(v[i]) : V[L.indexOf(v[i])]) * W[i];
  const r = s % 11;
  return v.slice(0, 8) + (r === 10 ? 'X' : String(r)) + v.slice(9);
}

async function signInIn(browser, url, user, lang) {
  const o = await openPage(browser, url, { width: 390 });
  await o.page.goto('/#/login');
  await onPage(o.page, 'login');
  await signIn(o.page, user, DEMO_PASSWORD);
  await onPage(o.page, 'home');
  await o.page.locator(`.lang-switch [data-lang="${lang}"]`).click();
  await o.page.locator(`html[lang="${lang}"]`).waitFor();
  return o;
}

// An agency user opens the application's step from the queue and records a decision.
async function decideInQueue(page, appId, decision, text) {
  await visit(page, 'window-queue');
  // by its heading ("Application 2 · …", "Арыз № 2 · …"): a due date such as 2 January
  // has the same digit in it
  const heading = page.locator('h3', { hasText: new RegExp(`(?:Application|№) ${appId} ·`) });
  const item = page.locator('.queue-item').filter({ has: heading }).first();
  await item.waitFor();
  await item.locator('a').click();
  await page.locator('[data-field="decision"]').waitFor();
  await page.locator('[data-field="decision"]').selectOption(decision);
  if (text) await page.locator('[data-field="reasons"]').fill(text);
  await page.locator('form:has([data-field="decision"]) button[type="submit"]').click();
}

test('an importer, each agency and the public register, in English, Kyrgyz and Russian', async () => {
  const { kapka } = env;
  const YEAR = await settleYear(kapka); // the server's year, its last seconds waited out
  // the ledger's rule for this year: first come, first served, so approval is final at once
  const eco = await kapka.login('economy', DEMO_PASSWORD);
  const reg0 = (await kapka.req('GET', '/api/v1/ev-quota')).json.years.find((y) => y.year === YEAR);
  const put = await kapka.req('PUT', `/api/v1/ev-quota/${YEAR}`, { token: eco, body: { total: reg0.total, kinds: reg0.kinds, day_rule: 'fcfs', source: reg0.source } });
  assert.equal(put.status, 200, put.text);

  // the importer (English)
  const imp = await openPage(env.browser, kapka.url, { width: 390 });
  await signInAs(imp.page, 'carrier');
  await visit(imp.page, 'window');
  await imp.page.locator('[data-procedure="ev-duty-free"] a').click();
  await imp.page.locator('[data-field="data.tax_id"]').waitFor();
  await imp.page.locator('[data-field="data.applicant_kind"]').selectOption('company');
  await imp.page.locator('[data-field="data.tax_id"]').fill('01507201910123');
  await imp.page.locator('[data-field="data.permanent_resident"]').check();
  await imp.page.locator('[data-field="data.no_transfer_undertaking"]').check();
  await imp.page.locator('[data-field="data.vehicles[0].vin"]').fill('LRWYGCEK0T00000O1');
  await imp.page.locator('[data-field="data.vehicles[0].make_model"]').fill('BYD Song Plus EV');
  await imp.page.setInputFiles('input[type=file][data-kind="invoice"]', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
  await imp.page.setInputFiles('input[type=file][data-kind="title"]', { name: 'title.pdf', mimeType: 'application/pdf', buffer: PDF });
  await imp.page.setInputFiles('input[type=file][data-kind="residence"]', { name: 'residence.pdf', mimeType: 'application/pdf', buffer: PDF });
  await imp.page.getByRole('button', { name: 'Submit the application' }).click();
  const vinError = imp.page.locator('.field:has([data-field="data.vehicles[0].vin"]) .field-error');
  await vinError.waitFor();
  assert.match(await vinError.innerText(), /must not contain the letters I, O or Q/);
  await shot(imp.page, 'window-01-bad-vin');
  const theVin = vin();
  await imp.page.locator('[data-field="data.vehicles[0].vin"]').fill(theVin);
  await imp.page.getByRole('button', { name: 'Submit the application' }).click();
  await imp.page.locator('ol.steps').waitFor();
  const appId = /#\/window\/(\d+)/.exec(imp.page.url())[1];
  assert.equal(await imp.page.locator('ol.steps > li').count(), 4);
  assert.equal(await imp.page.locator('li[data-step="customs"]').getAttribute('data-state'), 'ready');
  assert.match(await imp.page.locator('li[data-step="customs"]').innerText(), /State Customs Service[\s\S]*48 h[\s\S]*left/);
  assert.equal(await imp.page.locator('li[data-step="environment"]').getAttribute('data-state'), 'skipped');
  assert.deepEqual((await overflow(imp.page)).wide, []);
  await shot(imp.page, 'window-02-status');

  // customs (Kyrgyz): approves; the place is reserved
  const cu = await signInIn(env.browser, kapka.url, 'customs', 'ky');
  await decideInQueue(cu.page, appId, 'approve');
  await cu.page.locator('.notice').filter({ hasText: KY['window.done.approved'] }).waitFor();
  assert.match(await cu.page.locator('main').innerText(), new RegExp(KY['window.state.approved']));
  assert.deepEqual((await overflow(cu.page)).wide, []);
  await shot(cu.page, 'window-03-customs-ky');

  // the Ministry of Economy (Russian): asks for more
  const ec = await signInIn(env.browser, kapka.url, 'economy', 'ru');
  await decideInQueue(ec.page, appId, 'ask', 'Приложите справку о резидентстве');
  await ec.page.locator('.notice').filter({ hasText: RU['window.done.more_info'] }).waitFor();
  await ec.page.locator('[data-field="text"]').fill('Проверено по ИНН');
  await ec.page.locator('form:has([data-field="text"]) button[type="submit"]').click();
  await ec.page.locator('ul.notes li').filter({ hasText: 'Проверено по ИНН' }).waitFor();
  await shot(ec.page, 'window-04-economy-ru');

  // the Ministry keeps the ledger: a new year's quota set on the register page
  await visit(ec.page, 'ev-quota');
  const nextYear = Math.max(...(await kapka.req('GET', '/api/v1/ev-quota')).json.years.map((y) => y.year)) + 1;
  await ec.page.locator('[data-field="year"]').selectOption(String(nextYear));
  await ec.page.locator('[data-field="total"]').fill('20000');
  await ec.page.locator('[data-field="kinds"]').selectOption('bev+series_hybrid');
  await ec.page.locator('[data-field="source"]').fill('Постановление (тест)');
  await ec.page.locator('form:has([data-field="total"]) button[type="submit"]').click();
  await ec.page.locator('.notice').filter({ hasText: RU['window.ledger_saved'].replace('{year}', String(nextYear)) }).waitFor();
  await ec.page.locator(`.ev-year[data-year="${nextYear}"][data-remaining="20000"]`).waitFor();
  await shot(ec.page, 'window-04b-ledger-ru');

  // the importer answers on the status page
  await visit(imp.page, `window/${appId}`);
  const asking = imp.page.locator('section.asking[data-step="economy"]');
  await asking.waitFor();
  assert.match(await asking.innerText(), /Приложите справку о резидентстве/);
  await asking.getByLabel('Your answer').fill('The certificate is attached again.');
  await asking.getByRole('button', { name: 'Answer' }).click();
  await imp.page.locator('li[data-step="economy"][data-state="in_progress"]').waitFor();
  assert.ok(!(await imp.page.locator('main').innerText()).includes('Проверено по ИНН'), 'no agency note on the status page');

  // the Ministry approves after the answer
  await decideInQueue(ec.page, appId, 'approve');
  await ec.page.locator('.notice').filter({ hasText: RU['window.done.approved'] }).waitFor();

  // the registration service (English): its fee is not paid yet
  const rg = await signInIn(env.browser, kapka.url, 'registration', 'en');
  await decideInQueue(rg.page, appId, 'approve');
  await rg.page.locator('.error-summary').filter({ hasText: "This step's fee is not paid yet." }).waitFor();

  // the importer pays and gets the receipt
  await visit(imp.page, `window/${appId}`);
  const fee = imp.page.locator('li.fee[data-status="due"]');
  await fee.getByLabel('Payment reference').fill('KICB-000417');
  await fee.getByRole('button', { name: 'Record the payment' }).click();
  const receipt = imp.page.locator('li.fee[data-status="paid"] a', { hasText: 'Receipt (PDF)' });
  await receipt.waitFor();
  const pdf = await imp.page.request.get(await receipt.getAttribute('href'));
  assert.equal(pdf.headers()['content-type'], 'application/pdf');

  // the registration service approves; the application is approved
  await decideInQueue(rg.page, appId, 'approve', 'VIN matches the title');
  await rg.page.locator('.notice').filter({ hasText: 'The step is approved.' }).waitFor();
  await visit(imp.page, `window/${appId}`);
  await imp.page.locator('[data-status="approved"]').first().waitFor();
  assert.match(await imp.page.locator('main').innerText(), new RegExp(`1 places allocated in the ${YEAR} quota`));
  await shot(imp.page, 'window-05-approved');
  // a second application offers the documents given once
  await visit(imp.page, 'window/new/ev-duty-free');
  const reuse = imp.page.locator('select[data-reuse="invoice"] option', { hasText: 'invoice.pdf' });
  await reuse.first().waitFor({ state: 'attached' });

  // the public register, signed out, in each language
  for (const [lang, cat] of [['en', null], ['ru', RU], ['ky', KY]]) {
    const pub = await openPage(env.browser, kapka.url, { width: 390 });
    await pub.page.goto('/#/ev-quota');
    await onPage(pub.page, 'ev-quota');
    await pub.page.locator(`.lang-switch [data-lang="${lang}"]`).click();
    await pub.page.locator(`html[lang="${lang}"]`).waitFor();
    await visit(pub.page, 'ev-quota');
    const h1 = await pub.page.locator('h1').innerText();
    assert.equal(h1, cat ? cat['window.register_title'] : 'Duty-free electric-vehicle import quota');
    const card = pub.page.locator(`.ev-year[data-year="${YEAR}"]`);
    assert.equal(Number(await card.getAttribute('data-remaining')), reg0.remaining - 1);
    await pub.page.locator('[data-field="vin"]').fill(theVin);
    await pub.page.locator('form:has([data-field="vin"]) button[type="submit"]').click();
    const answer = pub.page.locator('.vin-answer .notice');
    await answer.waitFor();
    const want = (cat ? cat['window.vin_allocated'] : '{vin} holds a duty-free allocation of the {year} quota.').replace('{vin}', theVin).replace('{year}', String(YEAR));
    assert.equal(await answer.innerText(), want);
    assert.deepEqual((await overflow(pub.page)).wide, []);
    await shot(pub.page, `window-06-register-${lang}`);
    assert.deepEqual(pub.problems, []);
    await pub.context.close();
  }
  for (const o of [imp, cu, ec, rg]) {
    assert.deepEqual(o.problems, []);
    await o.context.close();
  }
});

test('Kyzyl-Art in Russian, the tourism department in Kyrgyz, the border post and the environmental check in English', async () => {
  const { kapka } = env;
  // a traveller asks for the permission through the form built from the procedure's data
  const tr = await signInIn(env.browser, kapka.url, 'traveller', 'ru');
  await visit(tr.page, 'window');
  await tr.page.locator('[data-procedure="kyzyl-art-crossing"] a').click();
  await tr.page.locator('[data-field="data.full_name"]').waitFor();
  await tr.page.locator('[data-field="data.full_name"]').fill('Anna Schmidt');
  await tr.page.locator('[data-field="data.nationality"]').fill('de');
  await tr.page.locator('[data-field="data.crossing_date"]').fill('2026-12-20');
  await tr.page.locator('[data-field="data.direction"]').selectOption('kg-tj');
  // what the passport number's pattern asks for is the procedure's data in three languages:
  // under the field, and as the server's problem, in the page's language
  const passport = tr.page.locator('#main .field[data-name="data.passport_number"]');
  const RU_HINT = 'должен состоять из 5–20 заглавных латинских букв и цифр';
  assert.equal((await passport.locator('p.hint').innerText()).trim(), RU_HINT);
  await tr.page.locator('[data-field="data.passport_number"]').fill('c01x');
  await tr.page.locator('form button[type="submit"]').click();
  await passport.locator('.field-error').waitFor();
  assert.equal((await passport.locator('.field-error').innerText()).trim(), RU_HINT);
  await tr.page.locator('.lang-switch [data-lang="ky"]').click();
  await tr.page.locator('html[lang="ky"]').waitFor();
  const KY_HINT = '5тен 20га чейин латын баш тамгаларынан жана цифралардан турушу керек';
  assert.equal((await passport.locator('.field-error').innerText()).trim(), KY_HINT);
  assert.ok((await tr.page.locator('#main .error-summary').innerText()).includes(KY_HINT));
  await tr.page.locator('.lang-switch [data-lang="ru"]').click();
  await tr.page.locator('html[lang="ru"]').waitFor();
  await tr.page.locator('[data-field="data.passport_number"]').fill('C01X00T47');
  await tr.page.locator('[data-field="data.gbao_permit"]').fill('GBAO-2026-1182');
  await tr.page.setInputFiles('input[type=file][data-kind="passport"]', { name: 'passport.pdf', mimeType: 'application/pdf', buffer: PDF });
  await tr.page.locator('form button[type="submit"]').click();
  await tr.page.locator('ol.steps').waitFor();
  const appId = /#\/window\/(\d+)/.exec(tr.page.url())[1];
  assert.match(await tr.page.locator('li[data-step="tourism"]').innerText(), new RegExp(RU['window.state.ready']));
  assert.deepEqual((await overflow(tr.page)).wide, []);
  await shot(tr.page, 'window-07-kyzyl-art-ru');

  // the tourism department (Kyrgyz) approves; then the border service (English)
  const to = await signInIn(env.browser, kapka.url, 'tourism', 'ky');
  await decideInQueue(to.page, appId, 'approve');
  await to.page.locator('.notice').filter({ hasText: KY['window.done.approved'] }).waitFor();
  assert.match(await to.page.locator('.step-data').innerText(), /C01X00T47/);
  const bo = await signInIn(env.browser, kapka.url, 'officer', 'en');
  await decideInQueue(bo.page, appId, 'approve');
  await bo.page.locator('.notice').filter({ hasText: 'The step is approved.' }).waitFor();
  await visit(tr.page, `window/${appId}`);
  await tr.page.locator('p [data-status="approved"]').waitFor();

  // a series hybrid goes to the environmental check after customs
  const carrier = await kapka.login('carrier', DEMO_PASSWORD);
  const customs = await kapka.login('customs', DEMO_PASSWORD);
  const hy = await kapka.req('POST', '/api/v1/window/applications', { token: carrier, body: { procedure: 'ev-duty-free', data: {
    applicant_kind: 'company', tax_id: '01507201910123', permanent_resident: true, no_transfer_undertaking: true,
    vehicles: [{ vin: vin(), kind: 'series_hybrid', make_model: 'Li Auto L7' }] } } });
  assert.equal(hy.status, 201, hy.text);
  const cs = hy.json.steps.find((s) => s.code === 'customs');
  assert.equal((await kapka.req('POST', `/api/v1/window/steps/${cs.id}/decision`, { token: customs, body: { decision: 'approve' } })).status, 200);
  const en = await signInIn(env.browser, kapka.url, 'ecology', 'en');
  await decideInQueue(en.page, hy.json.id, 'refuse', 'No powertrain certificate: a series hybrid must show it');
  await en.page.locator('.notice').filter({ hasText: 'The step is refused.' }).waitFor();
  await shot(en.page, 'window-08-environment-en');
  const st = (await kapka.req('GET', `/api/v1/window/applications/${hy.json.id}`, { token: carrier })).json;
  assert.equal(st.status, 'refused');
  assert.equal(st.quota.state, 'released');
  for (const o of [tr, to, bo, en]) {
    assert.deepEqual(o.problems, []);
    await o.context.close();
  }
});
