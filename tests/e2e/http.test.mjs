// http.test.mjs: the server contract below the API: health, OpenAPI, keep-alive, request
// ids, response headers and the JSON access log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { useServer, newCarrier, rawRequest, logLines, sleep, backend } from './lib.mjs';

const srv = useServer();

test('/healthz and /readyz', async () => {
  const { k } = srv;
  const h = await k.req('GET', '/healthz');
  assert.equal(h.status, 200, h.text);
  assert.deepEqual(h.json, { status: 'ok' });
  const r = await k.req('GET', '/readyz');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ready');
  assert.equal(r.json.database, backend() === 'pg' ? 'postgres' : 'sqlite');
});

test('/api/v1/openapi.json is JSON with openapi 3.1.x', async () => {
  const { k } = srv;
  const r = await k.req('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.ok(r.json, 'parses as JSON');
  assert.match(r.json.openapi, /^3\.1\.\d+$/);
  assert.equal(typeof r.json.info?.title, 'string');
});

// src/api/routes.c: "Every entry must also be described in docs/openapi.json".
test('/api/v1/openapi.json describes the routes of the foundation', async () => {
  const { k } = srv;
  const r = await k.req('GET', '/api/v1/openapi.json');
  const paths = Object.keys(r.json.paths || {});
  for (const p of ['/api/v1/session', '/api/v1/carriers', '/api/v1/travellers', '/api/v1/organisations/{id}',
    '/api/v1/organisations/mine', '/api/v1/users', '/api/v1/users/{id}/status', '/api/v1/audit', '/healthz']) {
    assert.ok(paths.includes(p), `openapi.json lacks ${p}`);
  }
  assert.ok(r.json.paths['/api/v1/session'].post, 'POST /api/v1/session is described');
});

test('every answer carries the security headers and Cache-Control', async () => {
  const { k } = srv;
  for (const [method, path] of [['GET', '/healthz'], ['GET', '/api/v1/nothing'], ['POST', '/api/v1/session']]) {
    const r = await k.req(method, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${method} ${path}`);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', `${method} ${path}`);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', `${method} ${path}`);
    assert.ok(r.headers.get('cache-control'), `${method} ${path} has Cache-Control`);
  }
  assert.equal((await k.req('GET', '/api/v1/session')).headers.get('cache-control'), 'no-store');
});

test('HEAD works where GET does, without a body', async () => {
  const { k } = srv;
  const r = await rawRequest(k.port, { method: 'HEAD', path: '/healthz' });
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

test('keep-alive: sequential requests reuse one socket', async () => {
  const { k } = srv;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  let connects = 0;
  try {
    const c = await newCarrier(k);
    const requests = [
      { path: '/healthz' },
      { path: '/api/v1/session', headers: { authorization: `Bearer ${c.token}` } },
      { path: '/api/v1/organisations/mine', headers: { authorization: `Bearer ${c.token}` } },
      // An error answer, and a POST with a body, do not close the connection either.
      { path: '/api/v1/nope' },
      { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json' }, body: '{"username":"x"}' },
      { method: 'POST', path: '/api/v1/session', headers: { 'content-type': 'application/json' }, body: '{bad json' },
      { path: '/readyz' },
    ];
    const statuses = [];
    for (const opts of requests) {
      const r = await new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: k.port, agent, method: opts.method || 'GET', path: opts.path, headers: opts.headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        });
        req.on('socket', (s) => {
          sockets.add(s);
          if (s.connecting) s.once('connect', () => connects++);
        });
        req.on('error', reject);
        req.end(opts.body);
      });
      statuses.push(r.statusCode);
      assert.notEqual(r.headers.connection, 'close', `${opts.path} closed the connection`);
    }
    assert.deepEqual(statuses, [200, 200, 200, 404, 422, 400, 200]);
    assert.equal(connects, 1, `opened ${connects} TCP connections for ${requests.length} requests`);
    assert.equal(sockets.size, 1, `used ${sockets.size} sockets for ${requests.length} requests`);
  } finally {
    agent.destroy();
  }
});

test('pipelined requests on one raw socket are all answered, in order', async () => {
  const { k } = srv;
  const sock = net.connect(k.port, '127.0.0.1');
  await new Promise((res, rej) => { sock.once('connect', res); sock.once('error', rej); });
  let data = '';
  sock.setEncoding('latin1');
  sock.on('data', (d) => (data += d));
  const one = (id) => `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-${id}\r\n\r\n`;
  sock.write(one(1) + one(2) + one(3));
  for (let i = 0; i < 100 && (data.match(/HTTP\/1\.1 200/g) || []).length < 3; i++) await sleep(20);
  sock.destroy();
  assert.equal((data.match(/HTTP\/1\.1 200/g) || []).length, 3, data);
  const ids = [...data.matchAll(/X-Request-Id: (pipe-\d)/gi)].map((m) => m[1]);
  assert.deepEqual(ids, ['pipe-1', 'pipe-2', 'pipe-3']);
});

test('X-Request-Id is echoed when plain, and made up when absent or odd', async () => {
  const { k } = srv;
  const mine = await k.req('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc_123.4' } });
  assert.equal(mine.headers.get('x-request-id'), 'trace-abc_123.4');
  const made = await k.req('GET', '/healthz');
  const id = made.headers.get('x-request-id');
  assert.ok(id && id.length > 0 && id.length < 40, `made-up id: ${id}`);
  const odd = await k.req('GET', '/healthz', { headers: { 'x-request-id': 'has spaces and <tags>' } });
  assert.notEqual(odd.headers.get('x-request-id'), 'has spaces and <tags>');
  assert.match(odd.headers.get('x-request-id'), /^[A-Za-z0-9._-]+$/);
  const long = await k.req('GET', '/healthz', { headers: { 'x-request-id': 'a'.repeat(200) } });
  assert.ok(long.headers.get('x-request-id').length < 40);
  // Error bodies carry the same id.
  const err = await k.req('GET', '/api/v1/nope', { headers: { 'x-request-id': 'trace-err-1' } });
  assert.equal(err.json.error.request_id, 'trace-err-1');
});

test('access log: one JSON line per request on stderr, with method, path, status, id', async () => {
  const { k } = srv;
  const c = await newCarrier(k);
  const marker = 'log-' + Date.now();
  await k.req('GET', '/api/v1/organisations/mine', { token: c.token, headers: { 'x-request-id': marker + '-a' } });
  await k.req('POST', '/api/v1/session', { body: { username: 'x' }, headers: { 'x-request-id': marker + '-b' } });
  await k.req('GET', '/api/v1/nothing?secret=1', { headers: { 'x-request-id': marker + '-c' } });
  await sleep(50);
  const lines = logLines(k);
  const access = lines.filter((l) => l.type === 'access');
  assert.ok(access.length >= 4, 'access lines are JSON');
  const a = access.find((l) => l.id === marker + '-a');
  const b = access.find((l) => l.id === marker + '-b');
  const cc = access.find((l) => l.id === marker + '-c');
  assert.ok(a && b && cc, 'every request was logged with its id');
  assert.equal(a.method, 'GET');
  assert.equal(a.path, '/api/v1/organisations/mine');
  assert.equal(a.status, 200);
  assert.equal(a.user, c.body.username);
  assert.equal(a.addr, '127.0.0.1');
  assert.equal(typeof a.us, 'number');
  assert.ok(!Number.isNaN(Date.parse(a.ts)));
  assert.equal(b.method, 'POST');
  assert.equal(b.status, 422);
  assert.equal(b.error, 'invalid_field');
  assert.equal(cc.status, 404);
  assert.ok(!JSON.stringify(cc).includes('secret'), 'the query string is not logged');
  // Other log lines are JSON too, with a level.
  assert.ok(lines.some((l) => l.level === 'info' && /listening/.test(l.msg)));
  // No bearer tokens or passwords in the log.
  assert.ok(!k.log().includes(c.token), 'the token is not logged');
  assert.ok(!k.log().includes(c.body.password), 'the password is not logged');
});

test('many concurrent requests are all answered', async () => {
  const { k } = srv;
  const rs = await Promise.all(Array.from({ length: 64 }, (_, i) => k.req('GET', i % 2 ? '/healthz' : '/readyz')));
  assert.deepEqual([...new Set(rs.map((r) => r.status))], [200]);
});
