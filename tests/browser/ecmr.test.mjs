// ecmr.test.mjs: an e-CMR through the web UI: the carrier draws it up and sends links (in
// English, then Russian), the sender without an account seals the final form (in Kyrgyz),
// the carrier takes over with reservations, the consignee seals delivery (in English), the
// officer finds it by plate and checks its seals, and a customs analyst sees the events on
// the agency desk (in English and Kyrgyz).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness, openPage, shot, onPage, unique, companyInn, signIn } from './helpers.mjs';
import { ADMIN_PASSWORD } from '../lib/kapka.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kapka-msg-'));
const env = harness();
before(() => env.start({ servers: { kapka: { env: { KAPKA_MESSAGE_DIR: dir } } } }));
after(() => env.stop());

const PASSWORD = 'long enough password';

function lastLink(to) {
  const files = readdirSync(dir).sort();
  for (let i = files.length - 1; i >= 0; i--) {
    const m = JSON.parse(readFileSync(join(dir, files[i]), 'utf8'));
    if (m.to === to) return { token: /#\/ecmr-seal\/([\w-]+)/.exec(m.body)[1], code: /code (\d{6})/.exec(m.body)[1] };
  }
  throw new Error(`no message to ${to}`);
}

async function staff(k, admin, kind, role, name) {
  const org = await k.req('POST', '/api/v1/organisations', { token: admin, body: { kind, name } });
  const username = unique(role);
  const u = await k.req('POST', '/api/v1/users', { token: admin, body: { username, password: PASSWORD, role, organisation_id: org.json.id, full_name: name, language: 'en' } });
  assert.equal(u.status, 201, u.text);
  return { username, id: u.json.id };
}

async function signedIn(url, username, opts = {}) {
  const s = await openPage(env.browser, url, opts);
  await s.page.goto('/#/login');
  await onPage(s.page, 'login');
  await signIn(s.page, username, PASSWORD);
  await onPage(s.page, 'home');
  return s;
}

test('e-CMR: carrier, sender without an account, consignee, officer and customs analyst', async () => {
  const k = env.kapka;
  const admin = await k.login('admin', ADMIN_PASSWORD);
  const carrierUser = unique('cmr');
  let r = await k.req('POST', '/api/v1/carriers', { body: {
    company_name: 'Ош Транс ЖЧК', inn: companyInn(), address: 'Ош ш., Ленин к., 1', contact_name: 'Бакыт Асанов',
    contact_phone: '+996 555 111222', licence_number: 'OT-2026-1', username: carrierUser, password: PASSWORD, language: 'en' } });
  assert.equal(r.status, 201, r.text);
  const officer = await staff(k, admin, 'border_service', 'officer', 'Officer Dostyk');
  const analyst = await staff(k, admin, 'customs', 'officer', 'Customs analyst');
  r = await k.req('POST', '/api/v1/border-agencies', { token: admin, body: { code: 'customs-ui', kind: 'customs', name: 'State Customs Service' } });
  const agencyId = r.json.id;
  await k.req('POST', `/api/v1/border-agencies/${agencyId}/grants`, { token: admin, body: { service: 'ecmr' } });
  await k.req('POST', `/api/v1/border-agencies/${agencyId}/members`, { token: admin, body: { user_id: analyst.id } });

  // the carrier draws up the note (English)
  const carrier = await signedIn(k.url, carrierUser);
  const cp = carrier.page;
  await cp.goto('/#/ecmr');
  await onPage(cp, 'ecmr');
  await cp.locator('#main').getByText('New consignment note').click();
  const fillName = (name, v) => cp.locator(`[name="${name}"]`).fill(v);
  await fillName('sender_name', 'Osh Dried Fruit LLC');
  await fillName('sender_city', 'Osh');
  await fillName('sender_email', 'ship@oshfruit.kg');
  await fillName('consignee_name', 'Almaty Trade Ltd');
  await fillName('consignee_city', 'Almaty');
  await fillName('consignee_country', 'KZ');
  await fillName('consignee_email', 'buy@almatytrade.kz');
  await fillName('taking_over_date', '2026-12-06');
  const plate = `01KG${String(Date.now() % 1000).padStart(3, '0')}UIX`;
  await fillName('plate', plate);
  await fillName('goods_nature', 'dried apricots');
  await fillName('goods_packages', '20');
  await fillName('goods_packaging', 'pallets');
  await fillName('goods_weight', '12000');
  await shot(cp, 'ecmr-01-carrier-new');
  await cp.getByRole('button', { name: 'Draw up the note' }).click();
  await cp.locator('.view[data-page="ecmr"] h1 .mono').waitFor();
  const ref = await cp.locator('h1 .mono').innerText();
  assert.match(ref, /^ECMR-KG-/);
  await cp.getByRole('button', { name: 'Send the sender a link' }).click();
  await cp.locator('#main').getByText('The link and code were sent to ship@oshfruit.kg.').waitFor();

  // the sender, who has no account, seals the final form through the link (Kyrgyz)
  const sender = await openPage(env.browser, k.url);
  const link = lastLink('ship@oshfruit.kg');
  await sender.page.goto(`/#/ecmr-seal/${link.token}`);
  await onPage(sender.page, 'ecmr-seal');
  await sender.page.locator('.lang-switch [data-lang="ky"]').click();
  await sender.page.locator('html[lang="ky"]').waitFor();
  assert.equal(await sender.page.locator('h1').innerText(), 'Жүк кагазга мөөр басуу');
  assert.ok((await sender.page.locator('main').innerText()).includes('ачкычыңызды Капка сиздин атыңыздан сактайт'));
  await sender.page.getByLabel('Код', { exact: true }).fill(link.code);
  await shot(sender.page, 'ecmr-02-sender-ky');
  await sender.page.getByRole('button', { name: 'Мөөр басуу' }).click();
  await sender.page.locator('#main').getByText(`${ref} жүк кагазына мөөр басылды.`).waitFor();

  // the carrier takes the goods over with a reservation (Russian) and sends the consignee a link
  await cp.reload();
  await onPage(cp, 'ecmr');
  await cp.locator('.lang-switch [data-lang="ru"]').click();
  await cp.locator('html[lang="ru"]').waitFor();
  await cp.getByLabel(/^Оговорки/).fill('Две паллеты влажные');
  await cp.getByRole('button', { name: 'Скрепить печатью' }).click();
  await cp.locator('.seals li[data-act="take_over"]').waitFor();
  assert.ok((await cp.locator('.seals').innerText()).includes('Принятие груза'));
  await cp.getByRole('button', { name: 'Отправить ссылку получателю' }).click();
  await cp.locator('#main').getByText('Ссылка и код отправлены на buy@almatytrade.kz.').waitFor();
  await shot(cp, 'ecmr-03-carrier-ru');

  // the consignee takes delivery with a reservation (English)
  const consignee = await openPage(env.browser, k.url);
  const clink = lastLink('buy@almatytrade.kz');
  await consignee.page.goto(`/#/ecmr-seal/${clink.token}`);
  await onPage(consignee.page, 'ecmr-seal');
  assert.equal(await consignee.page.getByLabel('Act', { exact: true }).inputValue(), 'deliver');
  await consignee.page.getByLabel(/^Reservations/).fill('One pallet short');
  await consignee.page.getByLabel('Code', { exact: true }).fill(clink.code === '000000' ? '111111' : '000000');
  await consignee.page.getByRole('button', { name: 'Seal' }).click();
  await consignee.page.locator('#main').getByText('The code is not the one sent with the link.').waitFor();
  await consignee.page.getByLabel('Code', { exact: true }).fill(clink.code);
  await consignee.page.getByRole('button', { name: 'Seal' }).click();
  await consignee.page.locator('#main').getByText(`Consignment note ${ref} is sealed.`).waitFor();
  await shot(consignee.page, 'ecmr-04-consignee-en');

  // the officer finds it by plate and checks the seals
  const off = await signedIn(k.url, officer.username);
  await off.page.goto('/#/ecmr');
  await onPage(off.page, 'ecmr');
  const qr = (await k.req('GET', `/api/v1/ecmr/${ref}/qr?format=text`, { token: await k.login(carrierUser, PASSWORD) })).json.qr;
  await off.page.getByLabel('QR text', { exact: true }).fill(qr);
  await off.page.getByRole('button', { name: 'Check', exact: true }).click();
  await off.page.locator('.seals li[data-act="deliver"]').waitFor();
  await off.page.goto('/#/ecmr');
  await onPage(off.page, 'ecmr');
  await off.page.getByLabel('QR text', { exact: true }).fill(qr.slice(0, -6) + 'AAAAAA');
  await off.page.getByRole('button', { name: 'Check', exact: true }).click();
  await off.page.locator('#main').getByText('The signature does not match: the QR code is forged or damaged.').waitFor();
  await off.page.getByLabel('Plate', { exact: true }).fill(plate);
  await off.page.getByRole('button', { name: 'Search' }).click();
  await off.page.getByRole('link', { name: ref }).click();
  await off.page.locator('.seals li[data-act="deliver"]').waitFor();
  assert.equal(await off.page.locator('.seals li').count(), 3);
  await off.page.getByRole('button', { name: 'Check the seals' }).click();
  await off.page.locator('#main').getByText('The document and its 3 seals hold.').waitFor();
  await shot(off.page, 'ecmr-05-officer');

  // the customs analyst sees the events on the agency desk
  const an = await signedIn(k.url, analyst.username);
  await an.page.goto('/#/agency');
  await onPage(an.page, 'agency');
  await an.page.locator('.feed li[data-type="ecmr.sealed"]').first().waitFor();
  assert.ok((await an.page.locator('.grants').innerText()).includes('e-CMR'));
  assert.ok((await an.page.locator('.feed').innerText()).includes('Note sealed'));
  await an.page.locator('.lang-switch [data-lang="ky"]').click();
  await an.page.locator('html[lang="ky"]').waitFor();
  assert.ok((await an.page.locator('.feed').innerText()).includes('Жүк кагазга мөөр басылды'));
  await shot(an.page, 'ecmr-06-analyst-ky');

  for (const s of [carrier, sender, consignee, off, an]) {
    assert.deepEqual(s.problems, []);
    await s.context.close();
  }
});
