// lists.test.mjs: the app on a slow link and its lists: a cold load at 50 KB/s (Chromium's
// network throttling) fetches only what the first page needs, compressed; other pages'
// modules come when they are opened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, onPage, signInAs, visit } from './helpers.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { demo: true } } }));
after(() => env.stop());

// Count what crosses the wire (bytes as received, headers included) on a throttled link.
async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 40, downloadThroughput: 50 * 1024, uploadThroughput: 50 * 1024,
  });
  const t = { requests: 0, bytes: 0, paths: [] };
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, new URL(e.response.url).pathname));
  cdp.on('Network.loadingFinished', (e) => {
    t.requests++;
    t.bytes += e.encodedDataLength;
    t.paths.push(urls.get(e.requestId));
  });
  return t;
}

test('cold load at 50 KB/s: only the first page\'s modules, compressed; a page opened later brings its own', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 844 });
  const t = await throttled(context, page);
  const started = Date.now();
  await page.goto('/#/login');
  await onPage(page, 'login');
  const cold = { requests: t.requests, bytes: t.bytes, ms: Date.now() - started };
  console.log(`# cold load of the sign-in page at 50 KB/s: ${cold.requests} requests, ${cold.bytes} bytes, ${cold.ms} ms`);
  const pages = t.paths.filter((p) => p?.startsWith('/js/pages/') && p !== '/js/pages/index.js');
  assert.deepEqual(pages, ['/js/pages/login.js'], 'only the sign-in page\'s module');
  assert.ok(cold.requests <= 20, JSON.stringify(cold));
  assert.ok(cold.bytes < 90 * 1024, JSON.stringify(cold));
  assert.equal(t.paths.filter((p) => p?.startsWith('/i18n/')).length, 1, 'one catalogue');

  // signing in brings the home page; opening a ministry page brings that page's module
  await signInAs(page, 'ministry');
  await visit(page, 'quotas');
  assert.ok(t.paths.includes('/js/pages/quotas.js'));
  assert.ok(!t.paths.includes('/js/pages/tips.js'), 'a page not opened is not loaded');
  assert.deepEqual(problems, []);
  await context.close();
});
