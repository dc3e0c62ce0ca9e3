// http_abuse.test.mjs: one anonymous client must not take the service down for everyone
// (issue "hold under abuse", found 3, 4 and the HTTP items of 9): idle-connection floods
// from one address, the global cap's headroom, a query with 1,500 parameters, smuggling-
// prone framing, refusal before the body, invalid UTF-8 in the access log, and symbolic
// links out of the web folder. The flooding client is 127.0.0.1; the legitimate one
// connects from 127.0.0.2 (the whole 127/8 is this machine). Counts are bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { mkdtempSync, writeFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withServer, assertError, logLines, sleep } from './lib.mjs';

// A GET from another local address, on a fresh connection.
function getFrom(port, path, localAddress = '127.0.0.2') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Open n idle connections from 127.0.0.1; resolves with the sockets and a live count of
// those the server has closed.
async function flood(port, n) {
  const state = { sockets: [], closed: 0 };
  for (let i = 0; i < n; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.on('close', () => { state.closed += 1; });
    await new Promise((res) => { s.once('connect', res); s.once('close', res); });
    state.sockets.push(s);
  }
  return state;
}

// Wait (bounded) until at least `want` of the flood's connections were closed by the server.
async function closedAtLeast(state, want) {
  for (let i = 0; i < 100 && state.closed < want; i++) await sleep(50);
  return state.closed;
}

// Raw bytes on a fresh connection; resolves with the first response's status and body.
function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('error', reject);
    s.on('close', () => {
      const m = /^HTTP\/1\.1 (\d+)/.exec(data);
      const body = data.slice(data.indexOf('\r\n\r\n') + 4);
      let json = null;
      try { json = JSON.parse(body); } catch { /* not JSON */ }
      resolve({ status: m ? Number(m[1]) : 0, data, json, headers: data.slice(0, data.indexOf('\r\n\r\n')) });
    });
    s.setTimeout(10000, () => s.destroy());
  });
}

test('found 3: idle connections from one address are capped; another client is still served', async () => {
  await withServer({ env: { KAPKA_MAX_CONNECTIONS_PER_ADDRESS: '40', KAPKA_THREADS: '1' } }, async (k) => {
    const state = await flood(k.port, 300);
    const closed = await closedAtLeast(state, 300 - 40);
    assert.ok(closed >= 300 - 40, `only ${closed} of 300 idle connections were refused`);
    const ok = await getFrom(k.port, '/healthz');
    assert.equal(ok.status, 200, ok.text);
    for (const s of state.sockets) s.destroy();
  });
});

test('found 3: the global cap keeps headroom for a health check from an address with no connection', async () => {
  await withServer({ env: { KAPKA_MAX_CONNECTIONS: '60', KAPKA_RESERVED_CONNECTIONS: '10', KAPKA_THREADS: '1' } }, async (k) => {
    const state = await flood(k.port, 120);
    const closed = await closedAtLeast(state, 120 - 50);
    assert.ok(closed >= 120 - 50, `only ${closed} of 120 refused`);
    const ok = await getFrom(k.port, '/readyz');
    assert.equal(ok.status, 200, ok.text);
    for (const s of state.sockets) s.destroy();
  });
});

test('found 4: 1,500 query parameters get 414 JSON at once, and the server carries on', async () => {
  await withServer({}, async (k) => {
    for (const n of [1500, 65]) {
      const q = Array.from({ length: n }, (_, i) => `a${i}=1`).join('&');
      const r = await k.req('GET', `/api/v1/checkpoints?${q}`);
      assertError(r, 414, 'too_many_parameters');
    }
    const q = Array.from({ length: 64 }, (_, i) => `a${i}=1`).join('&');
    assert.equal((await k.req('GET', `/healthz?${q}`)).status, 200);
  });
});

test('found 9: duplicate Content-Length, and Content-Length with chunked, are refused', async () => {
  await withServer({}, async (k) => {
    const body = '{"username":"a","password":"b"}';
    const dup = await rawExchange(k.port, `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.equal(dup.status, 400, dup.data);
    assert.equal(dup.json?.error?.code, 'bad_framing', dup.data);
    const both = await rawExchange(k.port, `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.equal(both.status, 400, both.data);
    assert.equal(both.json?.error?.code, 'bad_framing', both.data);
    assert.match(both.headers, /connection: close/i);
    assert.equal((await k.req('GET', '/healthz')).status, 200);
  });
});

test('found 3: a request refused for its token is refused before its body is read', async () => {
  await withServer({}, async (k) => {
    // malformed JSON without a token: the token is checked first (401, not 400)
    assertError(await k.req('POST', '/api/v1/quotas', { raw: '{not json', headers: { 'content-type': 'application/json' } }), 401, 'unauthenticated');
    assertError(await k.req('POST', '/api/v1/quotas', { raw: 'x'.repeat(900 * 1024), headers: { 'content-type': 'application/json', authorization: 'Bearer nonsense-token-abc' } }), 401, 'unauthenticated');
    assertError(await k.req('PUT', '/api/v1/no-such-thing', { raw: '{}', headers: { 'content-type': 'application/json' } }), 404, 'not_found');
  });
});

test('found 9: a path that is not UTF-8 still has its access-log line', async () => {
  await withServer({}, async (k) => {
    const r = await rawExchange(k.port, 'GET /caf%E9/%FF%00x HTTP/1.1\r\nHost: x\r\nX-Request-Id: utf8-probe\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 400, r.data);
    await sleep(50);
    const line = logLines(k).find((l) => l.type === 'access' && l.id === 'utf8-probe');
    assert.ok(line, 'the request is in the access log');
    assert.equal(line.path, '/caf%E9/%FF%7Fx');
    assert.equal(line.status, 400);
  });
});

test('found 9: the static server does not follow symbolic links out of the web folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-web-'));
  const web = join(dir, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the web folder');
  symlinkSync(join(dir, 'secret.txt'), join(web, 'leak.txt'));
  symlinkSync(join(web, 'index.html'), join(web, 'inside.html'));
  await withServer({ env: { KAPKA_WEB_DIR: web } }, async (k) => {
    assertError(await k.req('GET', '/leak.txt'), 404, 'not_found');
    const inside = await k.req('GET', '/inside.html');
    assert.equal(inside.status, 200);
    assert.equal((await k.req('GET', '/')).status, 200);
  });
});
