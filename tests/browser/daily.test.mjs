// daily.test.mjs: the pages people use every day, in Kyrgyz, Russian and English, on a
// 390 px phone and a 1280 px screen: the officer's verdict fits without sideways scrolling,
// the menu takes one row on a phone and the content uses a wide screen, the zone picker
// keeps place names whole, Kyrgyz numbers and dates come from kapka's own catalogue, and
// booking neither pre-selects midnight nor calls an empty day "fully booked", gives a slip
// and moves a booking to another hour. Screenshots go to build/browser/daily/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, ADMIN_PASSWORD, localDate } from '../lib/kapka.mjs';
import { harness, openPage, onPage, signInAs, visit, unique, DEMO_PASSWORD, shot, setLanguage, noSideways } from './helpers.mjs';

const SHOTS = join(ROOT, 'build', 'browser', 'daily');
const LANGS = ['ky', 'ru', 'en'];
const SIZES = [{ width: 390, height: 844 }, { width: 1280, height: 900 }];

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

const real = (problems) => problems.filter((p) => !p.includes('tile.openstreetmap.org'));

test('officer: the NOT VALID verdict fits a 390 px phone in every language; menu and content fit both sizes', async () => {
  const carrier = await env.kapka.login('carrier', DEMO_PASSWORD);
  const list = await env.kapka.req('GET', '/api/v1/permits', { token: carrier });
  assert.equal(list.status, 200, list.text);
  const one = await env.kapka.req('GET', `/api/v1/permits/${list.json.items[0].id}`, { token: carrier });
  const [hd, pl, sig] = one.json.qr.split('.');
  const forged = `${hd}.${pl}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;

  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'officer');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await visit(page, 'verify');
      await setLanguage(page, lang);
      await page.locator('textarea[name="qr"], textarea').first().fill(forged);
      await page.locator('form button[type="submit"]').first().click();
      const v = page.locator('.verdict[data-valid="false"]');
      await v.waitFor();
      const word = await v.locator('.verdict-word').evaluate((el) => {
        const r = el.getBoundingClientRect();
        const text = el.lastElementChild;
        return { right: r.right, textRight: text.getBoundingClientRect().right, lines: Math.round(text.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)), text: el.innerText };
      });
      assert.ok(word.textRight <= size.width, `${lang} ${size.width}: the verdict word ends at ${word.textRight}`);
      if (lang === 'ru') assert.match(word.text, /НЕДЕЙСТВИТЕЛЬНО/);
      assert.equal(word.lines, 1, `${lang} ${size.width}: the verdict word is on one line (${word.text})`);
      await noSideways(page, `verify ${lang} ${size.width}`);
      const nav = await page.evaluate(() => ({
        nav: document.getElementById('nav').getBoundingClientRect().height,
        main: document.querySelector('main').getBoundingClientRect().width,
      }));
      if (size.width < 500) {
        assert.ok(nav.nav <= 64, `${lang}: the phone menu is one row, not ${nav.nav} px`);
      } else {
        assert.ok(nav.main >= 1200, `${lang}: the content uses the wide screen (${nav.main} px)`);
      }
      await shot(page, `verify-not-valid-${lang}-${size.width}`, SHOTS);
    }
  }
  // The menu on a phone still reaches every page: the last entry scrolls into view and opens.
  await page.setViewportSize(SIZES[0]);
  const last = page.getByRole('navigation').getByRole('link').last();
  await last.click();
  await page.locator('main .view[data-page]').waitFor();
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('traveller: the zone picker keeps place names whole and badges on one line; Kyrgyz numbers and dates', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'traveller');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await visit(page, 'zones');
      await setLanguage(page, lang);
      await page.locator('.zones-picker .places label').first().waitFor();
      const bad = await page.evaluate(() => {
        const out = [];
        for (const label of document.querySelectorAll('.zones-picker label')) {
          const longest = Math.max(...label.textContent.split(/\s+/).map((w) => w.length));
          // a word broken letter by letter makes the label far narrower than its longest word
          const style = getComputedStyle(label);
          const perChar = parseFloat(style.fontSize) * 0.4;
          if (label.getBoundingClientRect().width < longest * perChar) out.push(`narrow: ${label.textContent}`);
        }
        for (const b of document.querySelectorAll('.zones-picker .badge')) {
          const lh = parseFloat(getComputedStyle(b).lineHeight) || 24;
          if (b.getBoundingClientRect().height > lh * 1.6) out.push(`badge wraps: ${b.textContent}`);
        }
        return out;
      });
      assert.deepEqual(bad, [], `${lang} ${size.width}`);
      const place = await page.locator('.zones-picker [data-place="chong-kemin"]').locator('xpath=..').innerText();
      assert.match(place, { ky: /Чоң-Кемин өрөөнү/, ru: /долина Чон-Кемин/, en: /Chong-Kemin valley/ }[lang]);
      await noSideways(page, `zones ${lang} ${size.width}`);
      await shot(page, `zones-picker-${lang}-${size.width}`, SHOTS);
    }
  }
  // Chromium has no Kyrgyz number or date data: kapka's catalogue fills in.
  await setLanguage(page, 'ky');
  const ky = await page.evaluate(async () => {
    const m = await import('/js/i18n.js');
    return { n: m.formatNumber(3000), d: m.formatDate('2026-12-06T12:00:00'), my: m.formatMonthYear('2026-12-01T00:00:00Z'), t: m.t('zones.applied', { id: '7', fee: 3000 }) };
  });
  assert.equal(ky.n, '3\u00a0000');
  assert.equal(ky.d, '2026-жылдын 6-декабры');
  assert.equal(ky.my, '2026-жылдын декабры');
  assert.doesNotMatch(JSON.stringify(ky), /M12|3,000/);
  await setLanguage(page, 'ru');
  assert.equal(await page.evaluate(async () => (await import('/js/i18n.js')).formatNumber(3000)), '3\u00a0000');
  await setLanguage(page, 'en');
  assert.equal(await page.evaluate(async () => (await import('/js/i18n.js')).formatNumber(3000)), '3,000');
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('driver: no hour pre-selected, an empty day says so, a booking slip, moving a booking to another hour', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'traveller');
  await visit(page, 'booking');
  const book = page.locator('section[aria-labelledby="booking-book"] form');
  await book.locator('select[name="checkpoint"]').selectOption('korday');
  await book.locator('select[name="flow"]').selectOption('car');
  await page.locator('.slot-choice input[type="radio"]').first().waitFor();
  assert.equal(await page.locator('.slot-choice input[type="radio"]:checked').count(), 0, 'no hour is chosen for the driver');
  await book.locator('input[name="plate"]').fill('B 555 KG');

  // no hour chosen: asked to choose one, next to the day, in each language
  const expect = { en: 'Choose one of the open hours below.', ru: 'Выберите один из свободных часов ниже.', ky: 'Төмөндөгү бош сааттардын бирин тандаңыз.' };
  await book.locator('button[type="submit"]').click();
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    await book.locator('.field[data-name="date"] .field-error', { hasText: expect[lang] }).waitFor();
  }
  await setLanguage(page, 'en');

  // a day the crossing has no hours: says so, never "fully booked"
  const far = new Date(Date.now() + 200 * 86400000).toISOString().slice(0, 10);
  await book.locator('input[name="date"]').fill(far);
  await book.locator('input[name="date"]').dispatchEvent('change');
  await page.locator('.slots p.aside').waitFor();
  await book.locator('button[type="submit"]').click();
  await book.locator('.field[data-name="date"] .field-error', { hasText: 'The crossing has no open hours on this day. Choose another day.' }).waitFor();
  assert.doesNotMatch(await book.innerText(), /fully booked/);
  await shot(page, 'booking-no-hours-en-390', SHOTS);

  // a day with the demonstration's hours: book its last open hour, get the slip. The
  // demonstration opens the next 12 hours, so late in the evening in Bishkek they are
  // tomorrow's: take the Bishkek date three hours from now, which always holds several.
  const today = localDate(0, (6 + 3) * 60);
  await book.locator('input[name="date"]').fill(today);
  await book.locator('input[name="date"]').dispatchEvent('change');
  const radios = page.locator('.slot-choice input[type="radio"]:not([disabled])');
  await radios.first().waitFor();
  const n = await radios.count();
  assert.ok(n >= 2, 'at least two open hours today');
  await radios.nth(n - 1).check();
  await book.locator('button[type="submit"]').click();
  const slip = page.locator('.slip');
  await slip.waitFor();
  assert.match(await slip.innerText(), /B555KG/);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await noSideways(page, `booking slip ${lang} ${size.width}`);
      await shot(page, `booking-slip-${lang}-${size.width}`, SHOTS);
    }
  }
  await setLanguage(page, 'en');
  await page.setViewportSize(SIZES[0]);
  const firstId = await slip.getAttribute('data-slip');

  // move it to another hour in one step: the same booking, now in the new hour
  const card = page.locator(`li.booking[data-id="${firstId}"]`);
  await card.getByRole('button', { name: 'Move to another hour' }).click();
  await page.locator(`[data-moving="${firstId}"]`).waitFor();
  await radios.first().waitFor();
  await radios.nth(n - 2).check();
  await book.locator('button[type="submit"]').click();
  await page.getByRole('status').filter({ hasText: 'B555KG is moved to' }).waitFor();
  const newId = await page.locator('.slip').getAttribute('data-slip');
  assert.equal(newId, firstId, 'the booking keeps its number');
  const tok = await env.kapka.login('traveller', DEMO_PASSWORD);
  const moved = await env.kapka.req('GET', `/api/v1/bookings/${newId}`, { token: tok });
  assert.equal(moved.json.status, 'booked', moved.text);
  const hist = await env.kapka.req('GET', `/api/v1/bookings/${newId}/history`, { token: tok });
  assert.deepEqual(hist.json.items.map((x) => x.action), ['booking.create', 'booking.move']);
  await shot(page, 'booking-moved-en-390', SHOTS);

  // "your turn": the earliest open hour, checked in, called forward by the officer; the page
  // shows it at the top when the phone shows the page again (and every 10 s while waiting)
  await book.locator('input[name="plate"]').fill('B 556 KG');
  await radios.first().check();
  await book.locator('button[type="submit"]').click();
  const fresh = page.locator('li.booking[data-status="booked"]').filter({ hasText: 'B556KG' });
  await fresh.getByRole('button', { name: 'I am at the waiting zone' }).click();
  await page.locator('li.booking[data-status="checked_in"]').filter({ hasText: 'B556KG' }).waitFor();
  const officer = await env.kapka.login('officer', DEMO_PASSWORD);
  const call = await env.kapka.req('POST', '/api/v1/checkpoints/korday/queue/call', { token: officer, body: { flow: 'car', count: 5 } });
  assert.equal(call.status, 200, call.text);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const turn = page.locator('.your-turn');
  await turn.waitFor();
  assert.match(await turn.innerText(), /Your turn: B556KG/);
  assert.ok((await turn.boundingBox()).y < 400, 'the call is at the top of the page');
  assert.match(await page.title(), /Your turn/);
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    await shot(page, `booking-your-turn-${lang}-390`, SHOTS);
  }
  await setLanguage(page, 'en');
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('administrator: find, add and suspend accounts; auditor: the audit trail of it, in every language at both sizes', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[1]);
  await signInAs(page, 'admin', ADMIN_PASSWORD);
  await visit(page, 'users');
  const name = unique('guard');
  const add = page.locator('section[aria-labelledby="users-add"] form');
  await add.locator('input[name="username"]').fill(name);
  await add.locator('input[name="password"]').fill('a long enough password');
  await add.locator('select[name="role"]').selectOption('officer');
  await add.locator('input[name="full_name"]').fill('Азамат Токтогулов');
  await add.locator('button[type="submit"]').click(); // no organisation: said next to the field, translated
  await add.locator('.field[data-name="role"] .field-error', { hasText: 'choose the organisation this person works for' }).waitFor();
  await setLanguage(page, 'ru');
  await add.locator('.field[data-name="role"] .field-error', { hasText: 'выберите организацию, в которой работает сотрудник' }).waitFor();
  await setLanguage(page, 'en');
  const border = await add.locator('select[name="organisation_id"] option').filter({ hasText: /Border|Customs|border|customs/ }).first().getAttribute('value');
  await add.locator('select[name="organisation_id"]').selectOption(border);
  await add.locator('button[type="submit"]').click();
  await page.getByRole('status').filter({ hasText: `The account ${name} is added.` }).waitFor();
  // a wrong password is refused next to the field, translated
  await add.locator('input[name="username"]').fill(unique('short'));
  await add.locator('input[name="password"]').fill('short');
  await add.locator('button[type="submit"]').click();
  await add.locator('.field[data-name="password"] .field-error:visible').waitFor();

  await page.locator('.filter-form input[name="q"]').fill(name);
  await page.locator('.filter-form button[type="submit"]').click();
  const row = page.locator(`tr[data-user="${name}"]`);
  // the search's answer drawn (the unfiltered list already held this row)
  await page.locator('.paged-list:has(.filter-form) .list-count[data-total="1"]').waitFor();
  await row.waitFor();
  assert.equal(await page.locator('tbody tr').count(), 1);
  await row.getByRole('button', { name: 'Suspend' }).click();
  await row.getByRole('button', { name: 'Yes, suspend this account' }).click();
  await page.locator(`tr[data-user="${name}"] .badge-bad`).waitFor();
  const login = await env.kapka.req('POST', '/api/v1/session', { body: { username: name, password: 'a long enough password' } });
  assert.ok(login.status >= 400, `a suspended account cannot sign in (${login.status})`);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await noSideways(page, `users ${lang} ${size.width}`);
      await shot(page, `users-${lang}-${size.width}`, SHOTS);
    }
  }
  await context.close();

  const aud = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(aud.page, 'auditor');
  await visit(aud.page, 'audit');
  await aud.page.locator('input[name="object_type"]').fill('user');
  await aud.page.locator('form button[type="submit"]').first().click();
  await aud.page.locator('tr[data-action="user.status"]').first().waitFor();
  const text = await aud.page.locator('tr[data-action="user.status"]').first().innerText();
  assert.match(text, /admin/);
  await aud.page.locator('tr[data-action="user.status"] details').nth(1).locator('summary').click();
  assert.match(await aud.page.locator('tr[data-action="user.status"] details[open] pre').first().innerText(), /suspended/);
  // the auditor reads the accounts but cannot change them
  await visit(aud.page, 'users');
  await aud.page.locator('tbody tr').first().waitFor();
  assert.equal(await aud.page.getByRole('button', { name: 'Suspend' }).count(), 0);
  for (const size of SIZES) {
    await aud.page.setViewportSize(size);
    await visit(aud.page, 'audit');
    for (const lang of LANGS) {
      await setLanguage(aud.page, lang);
      await noSideways(aud.page, `audit ${lang} ${size.width}`);
      await shot(aud.page, `audit-${lang}-${size.width}`, SHOTS);
    }
  }
  assert.deepEqual(real([...problems, ...aud.problems]), []);
  await aud.context.close();
});

test('officer offline: after one visit the verify page loads and verifies a permit with the network cut; fewer bytes on a reload', async () => {
  const carrier = await env.kapka.login('carrier', DEMO_PASSWORD);
  const list = await env.kapka.req('GET', '/api/v1/permits', { token: carrier });
  const one = await env.kapka.req('GET', `/api/v1/permits/${list.json.items[0].id}`, { token: carrier });
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  // A request counts in the phase it finished in, once its body has been read. Reading is
  // asynchronous: a body read late must neither be missed nor land in the next phase, and
  // `bytes += await …` would add to the total read before the wait (lost or stale sums).
  let traffic = { requests: 0, bytes: 0 };
  const reading = new Set();
  page.on('requestfinished', (r) => {
    const into = traffic;
    const done = (async () => {
      const res = await r.response();
      if (!res || res.fromServiceWorker()) return;
      const body = await res.body().catch(() => Buffer.alloc(0));
      into.requests++;
      into.bytes += body.length;
    })();
    reading.add(done);
    done.finally(() => reading.delete(done));
  });
  const counted = async () => { while (reading.size) await Promise.all([...reading]); return { ...traffic }; };
  await page.goto('/#/login');
  await onPage(page, 'login');
  const cold = await counted();
  traffic = { requests: 0, bytes: 0 };
  await signInAs(page, 'officer');
  await visit(page, 'verify');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.locator('.keys-age time').waitFor();
  await page.reload();
  await onPage(page, 'verify');
  // a reload with the shell kept: no static file comes over the network
  await counted();
  traffic = { requests: 0, bytes: 0 };
  await page.reload();
  await onPage(page, 'verify');
  await page.locator('.keys-age time').waitFor();
  const warm = await counted();
  console.log(`# cold load of the sign-in page: ${cold.requests} requests, ${cold.bytes} bytes; reload of the verify page with the shell kept: ${warm.requests} requests, ${warm.bytes} bytes`);
  assert.ok(warm.requests < cold.requests / 4 && warm.bytes < cold.bytes / 4, JSON.stringify({ cold, warm }));

  // the network is cut: the page still loads, says how old its keys are, and verifies
  await context.setOffline(true);
  for (const lang of LANGS) {
    await page.reload();
    await onPage(page, 'verify');
    await setLanguage(page, lang);
    await page.locator('.keys-age time').waitFor();
    await page.locator('textarea').first().fill(one.json.qr);
    await page.locator('form button[type="submit"]').first().click();
    const v = page.locator('.verdict[data-offline="true"]');
    await v.waitFor();
    assert.equal(await v.getAttribute('data-valid'), 'true');
    await noSideways(page, `offline verify ${lang}`);
    await shot(page, `verify-offline-${lang}-390`, SHOTS);
  }
  await page.setViewportSize(SIZES[1]);
  await shot(page, 'verify-offline-ky-1280', SHOTS);
  await context.setOffline(false);
  assert.deepEqual(real(problems).filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(p)), []);
  await context.close();
});

test('traveller: border-zone problems are shown next to their field, translated, not as raw paths', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'traveller');
  await visit(page, 'zones');
  const form = page.locator('form').filter({ has: page.locator('input[name="surname_0"]') });
  await form.locator('input[name="zone"]').first().check();
  await form.locator('input[name="surname_0"]').fill('Иванов');
  await form.locator('input[name="given_0"]').fill('IVAN');
  await form.locator('input[name="nat_0"]').fill('RU');
  await form.locator('input[name="pp_0"]').fill('751234567');
  await form.locator('input[name="ppexp_0"]').fill('2031-01-01');
  await form.locator('input[name="purpose"]').fill('fishing');
  const d = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
  await form.locator('input[name="date_from"]').fill(d(20));
  await form.locator('input[name="date_to"]').fill(d(10));
  await form.locator('button[type="submit"]').click();
  const expect = {
    en: ["write it in latin letters as in the passport (A–Z, spaces, - and ')", 'is before the first day of the trip'],
    ru: ["напишите латинскими буквами, как в паспорте (A–Z, пробелы, - и ')", 'раньше первого дня поездки'],
    ky: ["паспорттогудай латын тамгалары менен жазыңыз (A–Z, боштук, - жана ')", 'сапардын биринчи күнүнөн мурун'],
  };
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      await setLanguage(page, lang);
      await form.locator('.field[data-name="surname_0"] .field-error', { hasText: expect[lang][0] }).waitFor();
      await form.locator('.field[data-name="date_to"] .field-error', { hasText: expect[lang][1] }).waitFor();
      assert.doesNotMatch(await form.locator('.error-summary').innerText(), /travellers\[|date_from/);
      await noSideways(page, `zones errors ${lang} ${size.width}`);
      await shot(page, `zones-errors-${lang}-${size.width}`, SHOTS);
    }
  }
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('carrier: a permit returned without a reason says so in the page language', async () => {
  const carrier = await env.kapka.login('carrier', DEMO_PASSWORD);
  const list = await env.kapka.req('GET', '/api/v1/permits', { token: carrier });
  const unused = list.json.items.filter((p) => p.status === 'issued').at(-1);
  assert.ok(unused, 'the demo carrier holds an unused permit');
  const r = await env.kapka.req('POST', `/api/v1/permits/${unused.id}/return`, { token: carrier, body: {} });
  assert.equal(r.status, 200, r.text);
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, SIZES[0]);
  await signInAs(page, 'carrier');
  await visit(page, 'permits');
  const card = page.locator(`li.permit[data-permit="${unused.id}"]`);
  const want = { en: 'returned unused by the carrier', ru: 'возвращено перевозчиком неиспользованным', ky: 'ташуучу колдонбой кайтарып берген' };
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    await card.filter({ hasText: want[lang] }).waitFor();
  }
  assert.deepEqual(real(problems), []);
  await context.close();
});
