// permits-scan.test.mjs: the officer's QR scanner. The demo permit's QR code (its PNG from the
// API) becomes a Y4M video that Chromium's fake camera plays; pressing "Scan with the camera"
// reads it and the verdict is VALID. The "Read from a photo" path decodes the PNG itself.
// Also: the vendored QR reader in web/vendor is the one npm installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness, openPage, shot, onPage, signInAs, DEMO_PASSWORD, startKapka } from './helpers.mjs';
import { decodeGrayPng, y4mOf } from './qr-media.mjs';
import { expected as vendored } from '../../web/vendor/update.mjs';
import { intoTheNewYear } from '../lib/years.mjs';

let PERMIT; // the demo permit, of the year the server loaded its data in
const dir = mkdtempSync(join(tmpdir(), 'kapka-scan-'));
const env = harness();
let png;

before(async () => {
  // The server first (the video needs its QR code), then the browser with the fake camera.
  env.kapka = await startKapka({ demo: true });
  const { demoYear } = await intoTheNewYear(env.kapka, await env.kapka.login('ministry', DEMO_PASSWORD));
  PERMIT = `KG-UZ-${demoYear}-1-1`;
  const token = await env.kapka.login('carrier', DEMO_PASSWORD);
  const r = await fetch(`${env.kapka.url}/api/v1/permits/${PERMIT}/qr?format=png`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  png = Buffer.from(await r.arrayBuffer());
  const video = join(dir, 'qr.y4m');
  writeFileSync(video, y4mOf(decodeGrayPng(png)));
  await env.start({ servers: {}, browserArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`] });
});
after(async () => {
  await env.stop();
  await env.kapka?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Wait for the verdict; on failure, say what the page said (the scanner's status, errors).
async function verdictOf(page, problems) {
  const verdict = page.locator('.verdict[data-valid="true"]');
  try {
    await verdict.waitFor({ timeout: 20000 });
  } catch (err) {
    const status = await page.locator('.scan-status').innerText().catch(() => '?');
    throw new Error(`no VALID verdict: status "${status}"; problems: ${problems.join('; ')}; ${err.message}`);
  }
  return verdict;
}

async function verifyPage() {
  const opened = await openPage(env.browser, env.kapka.url);
  await opened.context.grantPermissions(['camera'], { origin: env.kapka.url });
  await signInAs(opened.page, 'officer');
  await opened.page.goto('/#/verify');
  await onPage(opened.page, 'verify');
  return opened;
}

test('the camera reads the QR code and the permit is VALID', async () => {
  const { page, context, problems } = await verifyPage();
  await page.getByRole('button', { name: 'Scan with the camera' }).click();
  const verdict = await verdictOf(page, problems);
  assert.ok((await verdict.innerText()).includes(PERMIT));
  const text = await page.getByLabel('QR text', { exact: true }).inputValue();
  assert.equal(text.split('.').length, 3, 'the scanned text is a compact JWS');
  assert.equal(await page.locator('video.scan-video').isVisible(), false, 'the camera stops after a read');
  assert.equal(await page.evaluate(() => document.querySelector('video.scan-video').srcObject), null);
  await page.getByRole('status').filter({ hasText: 'QR code read. Checking…' }).waitFor({ state: 'attached' });
  await shot(page, 'scan-01-camera-valid');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a photo of the QR code is read too; a photo without one says so', async () => {
  const { page, context, problems } = await verifyPage();
  await page.locator('input[type="file"]').setInputFiles({ name: 'permit.png', mimeType: 'image/png', buffer: png });
  await verdictOf(page, problems);
  assert.ok((await page.locator('.verdict').innerText()).includes(PERMIT));
  // The brand logo has no QR code in it.
  const logo = readFileSync(new URL('../../web/img/kapka.svg', import.meta.url));
  await page.locator('input[type="file"]').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: logo });
  await page.getByRole('status').filter({ hasText: /No QR code was found in this photo|could not be read as a picture/ }).waitFor();
  await shot(page, 'scan-02-photo');
  assert.deepEqual(problems.filter((p) => !p.includes('kapka-scan')), []);
  await context.close();
});

test('web/vendor holds the QR reader that npm installed (node web/vendor/update.mjs)', () => {
  const want = vendored();
  assert.ok(want, 'node_modules/jsqr is installed');
  for (const f of want.files) assert.ok(readFileSync(f.to, 'utf8') === f.text, `${f.to} is up to date; run node web/vendor/update.mjs`);
});
