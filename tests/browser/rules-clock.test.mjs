// rules-clock.test.mjs: issue 17 item 15's second half in a real browser: opening times must
// not show a minute early. The server's clock is set to 07:00:45 on Monday 11 January 2027
// (Bishkek time), so "now" carries 45 seconds: Irkeshtam, closed until 09:00, must read
// 09:00 (the offset was once derived from a minute-rounded local time and a to-the-second
// instant: 359 minutes, "08:59").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, openPage, shot, visit } from './helpers.mjs';

const env = harness();
before(() => env.start({ servers: { kapka: { now: '2027-01-11T07:00:45+06:00' } } }));
after(() => env.stop());

test('a crossing closed until 09:00 says it opens at 09:00, never 08:59', async () => {
  const { page, context, problems } = await openPage(env.browser, env.kapka.url, { width: 390, height: 900 });
  await visit(page, 'checkpoints/irkeshtam');
  const next = page.locator('.cp-next');
  await next.waitFor();
  const text = await next.innerText();
  assert.match(text, /2027-01-11 09:00/, text);
  assert.doesNotMatch(text, /08:59/);
  await shot(page, 'rules-clock-irkeshtam-next-open');
  assert.deepEqual(problems, []);
  await context.close();
});
