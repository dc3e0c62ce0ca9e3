// throttle.test.mjs: wrong passwords in a row throttle the account; many failures from one
// address throttle the address. Each test has its own server, so counters do not mix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, newCarrier, newTraveller, carrierBody, assertError, PASSWORD } from './lib.mjs';

const signIn = (k, username, password) => k.req('POST', '/api/v1/session', { body: { username, password } });

function assertThrottled(r) {
  assertError(r, 429, 'too_many_attempts');
  const after = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(after) && after >= 1 && after <= 300, `Retry-After: ${r.headers.get('retry-after')}`);
  assert.equal(r.json.token, undefined);
}

test('five wrong passwords in a row: the sixth attempt is 429 even with the right password', async () => {
  await withServer({}, async (k) => {
    const c = await newCarrier(k);
    const other = await newTraveller(k);
    for (let i = 1; i <= 5; i++) {
      assertError(await signIn(k, c.body.username, `wrong-password-${i}`), 401, 'invalid_credentials');
    }
    assertThrottled(await signIn(k, c.body.username, PASSWORD));
    // Still throttled, also with the name in another case.
    assertThrottled(await signIn(k, c.body.username.toUpperCase(), PASSWORD));
    // The throttle is per account: another account signs in from the same address.
    const ok = await signIn(k, other.body.username, PASSWORD);
    assert.equal(ok.status, 201, ok.text);
    // A session from before the throttle keeps working.
    assert.equal((await k.req('GET', '/api/v1/session', { token: c.token })).status, 200);
  });
});

test('failures count only in a row: a success resets them', async () => {
  await withServer({}, async (k) => {
    const c = await newCarrier(k);
    for (let i = 0; i < 4; i++) assertError(await signIn(k, c.body.username, 'nope-nope-nope'), 401);
    assert.equal((await signIn(k, c.body.username, PASSWORD)).status, 201);
    for (let i = 0; i < 4; i++) assertError(await signIn(k, c.body.username, 'nope-nope-nope'), 401);
    assert.equal((await signIn(k, c.body.username, PASSWORD)).status, 201);
  });
});

test('unknown usernames are throttled like real ones (no account probing)', async () => {
  await withServer({}, async (k) => {
    for (let i = 0; i < 5; i++) assertError(await signIn(k, 'ghost-user', 'whatever-123'), 401, 'invalid_credentials');
    assertThrottled(await signIn(k, 'ghost-user', 'whatever-123'));
  });
});

test('per-address throttling: many failures on different accounts block the address', async () => {
  // A low limit for this server: three failed sign-ins per address.
  await withServer({ env: { KAPKA_IP_MAX_FAILURES: '3' } }, async (k) => {
    const c = await newCarrier(k); // has signed in from this address
    const fresh = carrierBody();
    assert.equal((await k.req('POST', '/api/v1/carriers', { body: fresh })).status, 201);
    for (const name of ['nobody-1', 'nobody-2', 'nobody-3']) {
      assertError(await signIn(k, name, 'wrong-password-1'), 401, 'invalid_credentials');
    }
    // Now an account that never signed in from this address is refused, even correctly ...
    assertThrottled(await signIn(k, fresh.username, PASSWORD));
    // ... but an owner who has signed in from here before is never locked out by others.
    assert.equal((await signIn(k, c.body.username, PASSWORD)).status, 201);
    // Requests that are not sign-ins are not affected.
    assert.equal((await k.req('GET', '/api/v1/session', { token: c.token })).status, 200);
  });
});

test('the wait ends after login_lock_seconds (the cap of the doubling delay)', async () => {
  await withServer({ env: { KAPKA_LOGIN_MAX_FAILURES: '2', KAPKA_LOGIN_LOCK_SECONDS: '3' } }, async (k) => {
    const c = await newCarrier(k);
    for (let i = 0; i < 2; i++) assertError(await signIn(k, c.body.username, 'wrong-password-x'), 401);
    const r = await signIn(k, c.body.username, PASSWORD);
    assertThrottled(r);
    await new Promise((res) => setTimeout(res, 4100));
    const ok = await signIn(k, c.body.username, PASSWORD);
    assert.equal(ok.status, 201, ok.text);
  });
});

test('wrong passwords sent in parallel are all counted: the account still locks', async () => {
  await withServer({ env: { KAPKA_THREADS: '2' } }, async (k) => {
    const c = await newCarrier(k);
    const rs = await Promise.all(Array.from({ length: 12 }, () => signIn(k, c.body.username, 'wrong-in-parallel')));
    const statuses = rs.map((r) => r.status);
    const refused = statuses.filter((s) => s === 401).length;
    // Every attempt is counted before its password is checked: exactly five are judged.
    assert.equal(refused, 5, statuses.join(' '));
    assert.equal(refused + statuses.filter((s) => s === 429).length, 12, statuses.join(' '));
    assertThrottled(await signIn(k, c.body.username, PASSWORD));
  });
});
