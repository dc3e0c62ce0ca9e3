// abuse.test.mjs: sign-in lockout as a weapon, registration floods and passwords (issue
// "hold under abuse", found 5 and 7, and the password items of 9). The clients' addresses
// are told by a trusted proxy (127.0.0.1 in trusted_proxies) with X-Forwarded-For, as a
// load balancer would; counts are bounded and no assertion is about time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, carrierBody, travellerBody, assertError, PASSWORD, ADMIN_PASSWORD } from './lib.mjs';

const behindProxy = (env = {}) => ({ env: { KAPKA_TRUSTED_PROXIES: '127.0.0.1', ...env } });
const from = (addr) => ({ 'x-forwarded-for': addr });
const signIn = (k, username, password, addr) =>
  k.req('POST', '/api/v1/session', { body: { username, password }, headers: addr ? from(addr) : {} });

test('found 7: guesses at the administrator from one address never lock the administrator out', async () => {
  await withServer(behindProxy(), async (k) => {
    // the attacker: far more than the limit, in parallel
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(k, 'admin', `guess-number-${i}`, '203.0.113.7')));
    const judged = guesses.filter((r) => r.status === 401).length;
    assert.equal(judged, 5, guesses.map((r) => r.status).join(' '));
    assert.equal(guesses.filter((r) => r.status === 429).length, 25);
    // the attacker now waits, even with the right password: no oracle while waiting
    assertError(await signIn(k, 'admin', ADMIN_PASSWORD, '203.0.113.7'), 429, 'too_many_attempts');
    // the administrator, from their own address, signs in at once
    const ok = await signIn(k, 'admin', ADMIN_PASSWORD, '198.51.100.20');
    assert.equal(ok.status, 201, ok.text);
  });
});

test('found 7: behind a load balancer, 20 failures from one client do not lock out everyone', async () => {
  await withServer(behindProxy(), async (k) => {
    const user = travellerBody();
    assert.equal((await k.req('POST', '/api/v1/travellers', { body: user })).status, 201);
    for (let i = 0; i < 25; i++) await signIn(k, `nobody-${i}`, 'wrong-password-1', '203.0.113.8');
    assertError(await signIn(k, user.username, PASSWORD, '203.0.113.8'), 429, 'too_many_attempts');
    // another client of the same load balancer is untouched
    const ok = await signIn(k, user.username, PASSWORD, '198.51.100.21');
    assert.equal(ok.status, 201, ok.text);
  });
});

test('a client\'s own X-Forwarded-For is not believed unless it comes through a trusted proxy', async () => {
  await withServer({}, async (k) => {
    // without trusted_proxies, rotating the header does not escape the per-pair delay
    const rs = [];
    for (let i = 0; i < 7; i++) rs.push(await signIn(k, 'admin', `nope-nope-${i}`, `192.0.2.${i + 1}`));
    assert.deepEqual(rs.map((r) => r.status), [401, 401, 401, 401, 401, 429, 429]);
  });
  await withServer(behindProxy(), async (k) => {
    // through the trusted proxy, a hop the client wrote on the left is not the client
    const rs = [];
    for (let i = 0; i < 6; i++) rs.push(await k.req('POST', '/api/v1/session', { body: { username: 'admin', password: `nope-nope-${i}` }, headers: from(`10.9.9.${i}, 203.0.113.9`) }));
    assert.deepEqual(rs.map((r) => r.status), [401, 401, 401, 401, 401, 429]);
  });
});

test('found 5: registration is throttled per address and overall; other addresses still register', async () => {
  await withServer(behindProxy({ KAPKA_REGISTER_PER_ADDRESS: '3', KAPKA_REGISTER_PER_MINUTE: '6' }), async (k) => {
    const reg = (addr) => k.req('POST', '/api/v1/travellers', { body: travellerBody(), headers: from(addr) });
    const one = await Promise.all(Array.from({ length: 6 }, () => reg('203.0.113.10')));
    assert.equal(one.filter((r) => r.status === 201).length, 3, one.map((r) => r.text).join('\n'));
    const refused = one.find((r) => r.status === 429);
    assertError(refused, 429, 'too_many_registrations');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    // a refused registration stored nothing
    assert.equal((await reg('198.51.100.30')).status, 201);
    assert.equal((await reg('198.51.100.31')).status, 201);
    assert.equal((await reg('198.51.100.32')).status, 201);
    // six in the minute, from all addresses together: the seventh waits
    assertError(await reg('198.51.100.33'), 429, 'too_many_registrations');
  });
});

test('found 5: a registration flood leaves sign-in for existing users served', async () => {
  await withServer(behindProxy({ KAPKA_THREADS: '4', KAPKA_PASSWORD_HASH_CONCURRENCY: '1' }), async (k) => {
    const existing = travellerBody();
    assert.equal((await k.req('POST', '/api/v1/travellers', { body: existing })).status, 201);
    let stop = false;
    const counts = {};
    const flooder = async (n) => {
      while (!stop) {
        const r = await k.req('POST', '/api/v1/travellers', { body: travellerBody(), headers: from(`203.0.113.${100 + n}`) });
        counts[r.status] = (counts[r.status] || 0) + 1;
      }
    };
    const flood = Array.from({ length: 8 }, (_, n) => flooder(n));
    const signIns = [];
    for (let i = 0; i < 10; i++) signIns.push(await signIn(k, existing.username, PASSWORD, '198.51.100.40'));
    stop = true;
    await Promise.all(flood);
    for (const r of signIns) assert.equal(r.status, 201, r.text);
    // the flood got only 201 (hashed, a few at a time) or 503 busy / 429: never a 500
    for (const status of Object.keys(counts)) assert.ok(['201', '429', '503'].includes(status), JSON.stringify(counts));
  });
});

test('passwords: common ones refused; a user changes theirs and their other sessions end', async () => {
  await withServer({}, async (k) => {
    for (const password of ['1234567890', 'qwertyuiop', 'Password123', 'aaaaaaaaaaaa']) {
      const r = await k.req('POST', '/api/v1/travellers', { body: travellerBody({ password }) });
      const err = assertError(r, 422, 'invalid_field');
      assert.ok(err.fields.some((f) => f.field === 'password' && /common/.test(f.problem)), r.text);
    }
    const user = travellerBody();
    assert.equal((await k.req('POST', '/api/v1/travellers', { body: user })).status, 201);
    const a = await k.login(user.username, PASSWORD);
    const b = await k.login(user.username, PASSWORD);
    const change = (body, token = a) => k.req('PUT', '/api/v1/session/password', { token, body });
    assertError(await change({ current_password: 'not-my-password', new_password: 'a brand new passphrase' }), 422, 'invalid_field');
    assertError(await change({ current_password: PASSWORD, new_password: 'password123' }), 422, 'invalid_field');
    assertError(await change({ current_password: PASSWORD, new_password: PASSWORD }), 422, 'invalid_field');
    assertError(await k.req('PUT', '/api/v1/session/password', { body: { current_password: PASSWORD, new_password: 'a brand new passphrase' } }), 401, 'unauthenticated');
    const ok = await change({ current_password: PASSWORD, new_password: 'a brand new passphrase' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.other_sessions_ended, 1);
    assert.equal((await k.req('GET', '/api/v1/session', { token: a })).status, 200, 'this session stays');
    assertError(await k.req('GET', '/api/v1/session', { token: b }), 401, 'unauthenticated');
    assertError(await signIn(k, user.username, PASSWORD), 401, 'invalid_credentials');
    assert.equal((await signIn(k, user.username, 'a brand new passphrase')).status, 201);
  });
});
