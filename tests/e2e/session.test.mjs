// session.test.mjs: who am I, signing out, and cookie sessions with their CSRF token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, withServer, newCarrier, newTraveller, assertError, PASSWORD, ADMIN_PASSWORD } from './lib.mjs';

const srv = useServer();

// Sign in and return the Set-Cookie headers parsed: {name: {value, attrs:Set, raw}}.
async function cookieSignIn(k, username) {
  const r = await k.req('POST', '/api/v1/session', { body: { username, password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
  const cookies = {};
  for (const raw of r.headers.getSetCookie()) {
    const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attrs: attrs.map((a) => a.toLowerCase()), raw };
  }
  return { r, cookies, cookie: `kapka_session=${cookies.kapka_session?.value}` };
}

test('GET /api/v1/session tells who is signed in, with the organisation', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const r = await k.req('GET', '/api/v1/session', { token: c.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.id, c.user.id);
  assert.equal(r.json.user.username, c.body.username);
  assert.equal(r.json.user.role, 'carrier');
  assert.equal(r.json.organisation.id, c.org.id);
  assert.equal(typeof r.json.csrf_token, 'string');

  const t = await newTraveller(k);
  const rt = await k.req('GET', '/api/v1/session', { token: t.token });
  assert.equal(rt.status, 200, rt.text);
  assert.equal(rt.json.user.role, 'traveller');
  assert.equal(rt.json.organisation, undefined);
});

test('DELETE /api/v1/session signs out: the token stops working, other sessions do not', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const second = await k.login(c.body.username, PASSWORD);
  const r = await k.req('DELETE', '/api/v1/session', { token: c.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.signed_out, true);
  // Cookies are cleared too.
  assert.ok(r.headers.getSetCookie().some((s) => /^kapka_session=;.*Max-Age=0/i.test(s)), r.headers.getSetCookie().join(' | '));
  assertError(await k.req('GET', '/api/v1/session', { token: c.token }), 401, 'unauthenticated');
  assertError(await k.req('GET', '/api/v1/organisations/mine', { token: c.token }), 401, 'unauthenticated');
  assertError(await k.req('DELETE', '/api/v1/session', { token: c.token }), 401, 'unauthenticated');
  assert.equal((await k.req('GET', '/api/v1/session', { token: second })).status, 200);
});

test('the session cookie is HttpOnly and SameSite=Strict; the CSRF cookie is readable', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const { r, cookies } = await cookieSignIn(k, c.body.username);
  const s = cookies.kapka_session;
  assert.ok(s, 'a kapka_session cookie is set');
  assert.equal(s.value, r.json.token);
  assert.ok(s.attrs.includes('httponly'), s.raw);
  assert.ok(s.attrs.includes('samesite=strict'), s.raw);
  assert.ok(s.attrs.includes('path=/'), s.raw);
  assert.ok(s.attrs.some((a) => /^max-age=\d+$/.test(a)), s.raw);
  assert.ok(!s.attrs.includes('secure'), 'not Secure unless cookie_secure=1');
  const csrf = cookies.kapka_csrf;
  assert.ok(csrf, 'a kapka_csrf cookie is set');
  assert.equal(csrf.value, r.json.csrf_token);
  assert.ok(!csrf.attrs.includes('httponly'), 'the page script must read the CSRF cookie');
  assert.ok(csrf.attrs.includes('samesite=strict'), csrf.raw);
});

test('cookie_secure=1 marks both cookies Secure', async () => {
  await withServer({ env: { KAPKA_COOKIE_SECURE: '1' } }, async (k) => {
    const c = await newCarrier(k);
    const { cookies } = await cookieSignIn(k, c.body.username);
    assert.ok(cookies.kapka_session.attrs.includes('secure'), cookies.kapka_session.raw);
    assert.ok(cookies.kapka_csrf.attrs.includes('secure'), cookies.kapka_csrf.raw);
  });
});

test('a cookie session reads without CSRF, but changes need X-CSRF-Token', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const { r, cookie } = await cookieSignIn(k, c.body.username);
  const csrf = r.json.csrf_token;

  // Reading is fine with the cookie alone.
  const who = await k.req('GET', '/api/v1/session', { headers: { cookie } });
  assert.equal(who.status, 200, who.text);
  assert.equal(who.json.user.id, c.user.id);
  assert.equal(who.json.csrf_token, csrf);
  assert.equal((await k.req('GET', '/api/v1/organisations/mine', { headers: { cookie } })).status, 200);

  // A state-changing request without the header: 403 csrf; with a wrong one: 403 csrf.
  assertError(await k.req('DELETE', '/api/v1/session', { headers: { cookie } }), 403, 'csrf');
  // (the first character changed: a token may itself begin with 'x')
  const wrong = (csrf[0] === 'x' ? 'y' : 'x') + csrf.slice(1);
  assertError(await k.req('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': wrong } }), 403, 'csrf');
  assertError(await k.req('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': '' } }), 403, 'csrf');
  // Another session's CSRF token does not fit this one.
  const other = await cookieSignIn(k, c.body.username);
  assertError(await k.req('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': other.r.json.csrf_token } }), 403, 'csrf');
  // The refused requests changed nothing: still signed in.
  assert.equal((await k.req('GET', '/api/v1/session', { headers: { cookie } })).status, 200);

  // With the right header it works.
  const out = await k.req('DELETE', '/api/v1/session', { headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(out.status, 200, out.text);
  assertError(await k.req('GET', '/api/v1/session', { headers: { cookie } }), 401, 'unauthenticated');
});

test('CSRF also guards admin changes made with a cookie; a bearer token needs none', async () => {
  const { k } = srv;
  const t = await newTraveller(k);
  const r = await k.req('POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  const token = r.json.token;
  const cookie = `kapka_session=${token}`;
  const body = { status: 'suspended' };
  assertError(await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { headers: { cookie }, body }), 403, 'csrf');
  assert.equal((await k.req('GET', `/api/v1/users/${t.user.id}`, { token })).json.status, 'active');
  const ok = await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { headers: { cookie, 'x-csrf-token': r.json.csrf_token }, body });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'suspended');
  const back = await k.req('PUT', `/api/v1/users/${t.user.id}/status`, { token, body: { status: 'active' } });
  assert.equal(back.status, 200, back.text);
});

test('a bearer token wins over a cookie when both are sent', async () => {
  const { k } = srv;
  const a = await newCarrier(k);
  const b = await newTraveller(k);
  const r = await k.req('GET', '/api/v1/session', { token: a.token, headers: { cookie: `kapka_session=${b.token}` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.id, a.user.id);
  // A bearer token needs no CSRF header even when a cookie is present too.
  const out = await k.req('DELETE', '/api/v1/session', { token: a.token, headers: { cookie: `kapka_session=${b.token}` } });
  assert.equal(out.status, 200, out.text);
});

test('wrong credentials: one answer for a wrong password and an unknown user', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const wrong = assertError(await k.req('POST', '/api/v1/session', { body: { username: c.body.username, password: 'not-it-at-all' } }), 401, 'invalid_credentials');
  const ghost = assertError(await k.req('POST', '/api/v1/session', { body: { username: 'no-such-user-x', password: 'not-it-at-all' } }), 401, 'invalid_credentials');
  assert.equal(wrong.message, ghost.message);
});
