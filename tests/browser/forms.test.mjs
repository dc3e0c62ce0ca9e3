// forms.test.mjs: the server's problem on a form is shown next to its field and in the
// summary, in the page's language (issue 17, item 3): the stay calculator (overlapping
// stays), a vehicle's temporary import (entered "from" Kyrgyzstan) and a crossing's
// closure (ends before it starts), each at 390 and 1280 px, read in en, ru and ky.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness, openPage, shot, signInAs, visit, overflow } from './helpers.mjs';
import { ROOT } from '../lib/kapka.mjs';

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
