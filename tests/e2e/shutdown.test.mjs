// shutdown.test.mjs: on SIGTERM the server stops taking connections, finishes the requests
// in flight with proper answers, and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  startKapka, newTraveller, carrierBody, assertNoSanitizerReport, logLines, sleep, PASSWORD,
} from './lib.mjs';

// Wait for the process to exit; resolves with the exit code (or signal name).
function exited(k) {
  return new Promise((res) => {
    if (k.proc.exitCode !== null || k.proc.signalCode !== null) res(k.proc.exitCode ?? k.proc.signalCode);
    else k.proc.on('exit', (code, sig) => res(code ?? sig));
  });
}

// One keep-alive connection, already accepted by the server (a /healthz went through it).
async function openConnection(k) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await new Promise((res, rej) => http.get({ host: '127.0.0.1', port: k.port, path: '/healthz', agent }, (r) => {
    r.resume();
    r.on('end', res);
  }).on('error', rej));
  return agent;
}

// POST /api/v1/session over agent (false: a new connection); never rejects.
function signIn(k, agent, username) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ username, password: PASSWORD });
    const req = http.request({
      host: '127.0.0.1', port: k.port, method: 'POST', path: '/api/v1/session', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on('error', (e) => resolve({ error: e.code || String(e) }));
    req.end(body);
  });
}

test('sign-ins in flight when SIGTERM arrives complete with 201, and the process exits 0', async () => {
  const k = await startKapka();
  const agents = [];
  try {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await newTraveller(k));
    for (let i = 0; i < users.length; i++) agents.push(await openConnection(k));
    const started = Date.now();
    // Each sign-in hashes with argon2id (tens of ms); six at once on two worker threads:
    // some are running and some are waiting when the signal comes.
    const pending = users.map((u, i) => signIn(k, agents[i], u.body.username));
    await sleep(30);
    const exit = exited(k);
    k.proc.kill('SIGTERM');
    const results = await Promise.all(pending);
    for (const r of results) {
      assert.ok(!r.error, `a sign-in in flight failed: ${r.error}`);
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.token, /^[A-Za-z0-9_-]+$/);
    }
    assert.equal(await exit, 0, k.log().slice(-3000));
    assert.ok(Date.now() - started < 10000, 'stopped well within the grace period');
    assert.match(k.log(), /stopping: letting requests in flight finish/);
    assert.match(k.log(), /"msg":"stopped"/);
    assertNoSanitizerReport(k.log());
    // Every one of them was logged as answered.
    const answered = logLines(k).filter((l) => l.type === 'access' && l.path === '/api/v1/session' && l.status === 201);
    assert.equal(answered.length, 2 * users.length);
  } finally {
    agents.forEach((a) => a.destroy());
    await k.stop();
  }
});

// A client that connects while every worker thread is busy waits in the listen queue;
// its request was sent before the signal and deserves an answer as much as the others.
// (One worker thread makes "all workers busy" certain.)
test('a sign-in sent on a new connection while all workers are busy is answered after SIGTERM',
  async () => {
  const k = await startKapka({ env: { KAPKA_THREADS: '1' } });
  const agents = [];
  try {
    const users = [];
    for (let i = 0; i < 2; i++) users.push(await newTraveller(k));
    agents.push(await openConnection(k));
    // The worker starts hashing ...
    const busy = signIn(k, agents[0], users[0].body.username);
    await sleep(10);
    // ... then a new client connects and sends its sign-in, then the signal comes.
    const late = signIn(k, false, users[1].body.username);
    await sleep(10);
    const exit = exited(k);
    k.proc.kill('SIGTERM');
    const results = [await busy, await late];
    assert.deepEqual(results.map((r) => r.error ?? r.status), [201, 201]);
    assert.equal(await exit, 0, k.log().slice(-3000));
  } finally {
    agents.forEach((a) => a.destroy());
    await k.stop();
  }
});

test('a request whose body is still arriving at SIGTERM is finished; then new connections are refused', async () => {
  const k = await startKapka();
  try {
    const body = JSON.stringify(carrierBody());
    const half = Math.floor(body.length / 2);
    const answer = new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: k.port, method: 'POST', path: '/api/v1/carriers', agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, half));
      // The server has the headers and half the body when the signal comes.
      setTimeout(() => {
        k.proc.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(half)), 300);
      }, 200);
    });
    const exit = exited(k);
    const r = await answer;
    assert.equal(r.status, 201, r.text);
    assert.equal(JSON.parse(r.text).organisation.kind, 'carrier');
    assert.equal(r.headers.connection, 'close', 'a stopping server closes the connection after answering');
    assert.equal(await exit, 0, k.log().slice(-3000));
    assertNoSanitizerReport(k.log());
    // Nobody listens any more.
    await assert.rejects(fetch(k.url + '/healthz'), 'the port is closed after exit');
  } finally {
    await k.stop();
  }
});

test('SIGINT stops the server cleanly too', async () => {
  const k = await startKapka();
  try {
    assert.equal((await k.req('GET', '/healthz')).status, 200);
    const exit = exited(k);
    k.proc.kill('SIGINT');
    assert.equal(await exit, 0, k.log().slice(-3000));
    assertNoSanitizerReport(k.log());
  } finally {
    await k.stop();
  }
});

test('an idle keep-alive connection does not hold up the exit', async () => {
  const k = await startKapka();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await new Promise((res, rej) => http.get({ host: '127.0.0.1', port: k.port, path: '/healthz', agent }, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
    const started = Date.now();
    const exit = exited(k);
    k.proc.kill('SIGTERM');
    assert.equal(await exit, 0, k.log().slice(-3000));
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms to stop with an idle connection open`);
  } finally {
    agent.destroy();
    await k.stop();
  }
});
