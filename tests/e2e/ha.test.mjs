// ha.test.mjs: two kapka instances on one PostgreSQL database behind HAProxy (Debian
// package haproxy), with the demonstration data. The queue race, the permit race and the partner outbox run through the
// balancer; one instance is killed (SIGKILL) mid-load. Nothing acknowledged is lost,
// nothing is issued twice, every event reaches the partner once and in order (the outbox
// lease moves to the survivor), and the client address is right through trusted_proxies.
// PostgreSQL only (SQLite is one process's database): KAPKA_E2E_BACKEND=pg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startKapka, stopClean, backend, adminToken, ADMIN_PASSWORD, sleep, assertNoSanitizerReport } from './lib.mjs';
import { freshDatabase, ROOT, clockNow } from '../lib/kapka.mjs';
import { carrierWithFleet } from './permits_helpers.test.mjs';
import { bishkekYear } from '../lib/years.mjs';

const FAST = { KAPKA_EXCHANGE_POLL_MS: '100', KAPKA_EXCHANGE_RETRY_MIN_MS: '200', KAPKA_EXCHANGE_RETRY_MAX_MS: '800',
  KAPKA_EXCHANGE_ALLOW_PRIVATE: '127.0.0.0/8' };
const FRONT = '127.0.0.2'; // HAProxy listens here ...
const HOP = '127.0.0.3'; // ... and reaches kapka from here: the one trusted proxy

function freePort(host) {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, host, () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

// The suite's clock (tests/run.sh, KAPKA_TEST_CLOCK) for a process started now: each
// instance joins the timeline where it has got to, as startKapka's servers do, so the two
// instances, the partner and the test's own dates agree on the day and the year.
function onClock(env) {
  if (!process.env.KAPKA_TEST_CLOCK) return env;
  return { ...env, KAPKA_TEST_MODE: '1', KAPKA_TEST_CLOCK: String(Math.floor(clockNow() / 1000)) };
}

// `kapka serve` on the shared database; resolves once it serves.
function serve(env) {
  const proc = spawn(resolve(ROOT, process.env.KAPKA_BIN || 'bin/kapka'), ['serve', '--listen', '127.0.0.1', '--port', '0'],
    { env: onClock(env), cwd: ROOT });
  let log = '';
  const exited = new Promise((r) => proc.on('exit', (code, sig) => r(code ?? sig)));
  const ready = new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('kapka did not start:\n' + log)), 30000);
    const seen = (d) => {
      log += d;
      const m = /serving http:\/\/[^:]+:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    };
    proc.stdout.on('data', seen);
    proc.stderr.on('data', seen);
    proc.on('exit', () => rej(new Error('kapka exited:\n' + log)));
  });
  return { proc, ready, exited, log: () => log };
}

function client(url) {
  return {
    url,
    async req(method, path, { body, token, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      if (body !== undefined) h['content-type'] = 'application/json';
      try {
        const r = await fetch(url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await r.text();
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        return { status: r.status, json, text, headers: r.headers };
      } catch (e) {
        return { status: 0, json: null, text: String(e), headers: new Headers() };
      }
    },
    async login(username, password) {
      const r = await this.req('POST', '/api/v1/session', { body: { username, password } });
      if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.json.token;
    },
  };
}

async function eventually(fn, what, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const psql = (url, sql) => execFileSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();

test('two instances behind HAProxy, one killed mid-load: nothing lost, nothing twice, events once and in order',
  { skip: backend() !== 'pg' && 'several instances need PostgreSQL (KAPKA_E2E_BACKEND=pg)', timeout: 240000 }, async () => {
    // The suite's clock may stand in a year's last seconds (31 December 23:59:59): wait that
    // year out first, so that the partner's quota and the instances' permits are of one year.
    const yearEnd = Date.UTC(bishkekYear(clockNow()) + 1, 0, 1) - 6 * 3600e3;
    if (yearEnd - clockNow() < 60000) await sleep(yearEnd - clockNow() + 1000);
    const year = bishkekYear(clockNow());
    const dir = mkdtempSync(join(tmpdir(), 'kapka-ha-'));
    const db = freshDatabase('pg', dir);
    let uz = null, a = null, b = null, haproxy = null;
    try {
      uz = await startKapka({ env: { ...FAST, KAPKA_AUTHORITY_CODE: 'UZ', KAPKA_AUTHORITY_NAME: 'Uzbekistan', KAPKA_UTC_OFFSET_MINUTES: '300' } });
      const env = { ...process.env, ...FAST, KAPKA_DB: db.url, KAPKA_KEY_PASSPHRASE_FILE: join(dir, 'key.secret'),
        KAPKA_ADMIN_PASSWORD: ADMIN_PASSWORD, KAPKA_WEB_DIR: join(ROOT, 'web'), KAPKA_THREADS: '8',
        KAPKA_REGISTER_PER_ADDRESS: '1000000', KAPKA_REGISTER_PER_MINUTE: '1000000', KAPKA_PASSWORD_HASH_CONCURRENCY: '64',
        KAPKA_TRUSTED_PROXIES: HOP, KAPKA_METRICS_ALLOW: '127.0.0.1' };
      delete env.KAPKA_TEST_CLOCK;
      // The demonstration data: checkpoints with their officers, for the queue race.
      execFileSync(resolve(ROOT, process.env.KAPKA_BIN || 'bin/kapka'), ['demo'], { env: onClock(env), cwd: ROOT, stdio: 'pipe' });
      a = serve(env);
      const portA = await a.ready;
      b = serve(env);
      const portB = await b.ready;

      const front = await freePort(FRONT);
      const cfg = join(dir, 'haproxy.cfg');
      writeFileSync(cfg, `global
  maxconn 512
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 3s
  retries 3
  option redispatch
  retry-on conn-failure
frontend kapka
  bind ${FRONT}:${front}
  option forwardfor
  default_backend instances
backend instances
  balance roundrobin
  source ${HOP}
  option httpchk GET /readyz
  server a 127.0.0.1:${portA} check inter 500 fall 2 rise 1
  server b 127.0.0.1:${portB} check inter 500 fall 2 rise 1
`);
      execFileSync('haproxy', ['-c', '-q', '-f', cfg]);
      haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
      const bal = client(`http://${FRONT}:${front}`);
      await eventually(async () => (await bal.req('GET', '/readyz')).status === 200, 'HAProxy');
      const admin = await bal.login('admin', ADMIN_PASSWORD);
      let r0;
      const uzAdmin = await adminToken(uz);

      // The queue race through the balancer, both instances serving: 60 bookings for a
      // slot of 15 give exactly 15.
      const officer = await bal.login('officer', 'kapka-demo-2026');
      const ministry = await bal.login('ministry', 'kapka-demo-2026');
      const local = new Date(clockNow() + 6 * 3600e3);
      const date = local.toISOString().slice(0, 10), hour = local.getUTCHours();
      r0 = await bal.req('POST', '/api/v1/checkpoints/ak-tilek/slots', { token: ministry,
        body: { flow: 'truck', date, from_hour: hour, to_hour: hour + 1, capacity: 15 } });
      assert.equal(r0.status, 201, r0.text);
      const slot = r0.json.items[0];
      const plates = Array.from({ length: 60 }, (_, i) => `01KG${String(100 + i)}HA`);
      const bookings = await Promise.all(plates.map((plate) => bal.req('POST', '/api/v1/bookings', { token: officer, body: { slot_id: slot.id, plate } })));
      const booked = bookings.filter((x) => x.status === 201).length;
      assert.equal(booked, 15, bookings.filter((x) => x.status !== 201 && x.status !== 409).map((x) => x.text).join('\n'));
      assert.equal(bookings.filter((x) => x.status === 409 && x.json.error.code === 'SLOT_FULL').length, 45);
      const slots = await bal.req('GET', `/api/v1/checkpoints/ak-tilek/slots?date=${date}&flow=truck`);
      assert.equal(slots.json.items.find((x) => x.id === slot.id).booked, 15);

      // Partners both ways: UZ knows KG by the balancer's address.
      let r = await bal.req('POST', '/api/v1/partners', { token: admin, body: { api_url: `${uz.url}/e-permit` } });
      assert.equal(r.status, 201, r.text);
      r = await uz.req('POST', '/api/v1/partners', { token: uzAdmin, body: { api_url: `${bal.url}/e-permit` } });
      assert.equal(r.status, 201, r.text);
      r = await uz.req('POST', '/api/v1/quotas', { token: uzAdmin,
        body: { direction: 'inbound', partner: 'KG', year, type: 3, start_number: 1, end_number: 12 } });
      assert.equal(r.status, 201, r.text);
      await eventually(async () => {
        const q = await bal.req('GET', '/api/v1/quotas?partner=UZ', { token: admin });
        return q.json?.items?.some((x) => x.type === 3 && x.end_number === 12);
      }, 'QUOTA_CREATED at KG');

      // The permit race through the balancer: 36 vehicles for 12 serials, instance a killed
      // once the first permits are acknowledged. A request the balancer could not complete
      // is retried once, as a client would.
      const carriers = [];
      for (let i = 0; i < 3; i++) carriers.push(...await Promise.all(Array.from({ length: 4 }, () => carrierWithFleet(bal, 3))));
      const clients = carriers.flatMap((c) => c.vehicles.map((v) => ({ token: c.token, vehicle: v })));
      const acked = [];
      let killed = false;
      const applyOnce = (c) => bal.req('POST', '/api/v1/permit-applications',
        { token: c.token, body: { partner: 'UZ', type: 3, vehicle_id: c.vehicle.id } });
      const leaseBefore = psql(db.url, "SELECT coalesce(lease_owner, '') FROM exchange_chains WHERE partner = 'UZ'");
      const results = await Promise.all(clients.map(async (c, i) => {
        await sleep(i * 15);
        let x = await applyOnce(c);
        if (x.status === 201) acked.push(x.json.permit);
        if (!killed && acked.length >= 3) { killed = true; a.proc.kill('SIGKILL'); }
        if (x.status === 0 || x.status >= 500) {
          x = await applyOnce(c);
          if (x.status === 201) acked.push(x.json.permit);
        }
        return x;
      }));
      assert.ok(killed, 'instance a was killed mid-load');
      assert.equal(await a.exited, 'SIGKILL');
      const fivexx = results.filter((x) => x.status === 0 || x.status >= 500);
      assert.deepEqual(fivexx.map((x) => x.text), [], 'requests failed even after one retry');
      const serials = acked.map((p) => p.serial).sort((x, y) => x - y);
      assert.equal(new Set(serials).size, serials.length, `a serial was issued twice: ${serials}`);
      assert.ok(serials.length <= 12 && serials.every((s) => s >= 1 && s <= 12), `serials: ${serials}`);
      // Nothing acknowledged is lost: every permit answered is there, through the survivor.
      for (const p of acked) {
        const g = await bal.req('GET', `/api/v1/permits/${p.id}`, { token: admin });
        assert.equal(g.status, 200, `acknowledged permit ${p.id} is missing`);
      }
      // (A permit committed by the killed instance whose answer never left it may be there
      // too, unacknowledged; none twice.)
      const dbSerials = psql(db.url, "SELECT string_agg(serial::text, ',' ORDER BY serial) FROM permits WHERE verifier = 'UZ' AND type = 3")
        .split(',').map(Number);
      assert.equal(new Set(dbSerials).size, dbSerials.length, `serials in the database: ${dbSerials}`);
      for (const s of serials) assert.ok(dbSerials.includes(s), `acknowledged serial ${s} is not in the database`);

      // Every event reaches UZ once and in order, delivered by the survivor.
      const outbox = await eventually(async () => {
        const o = await bal.req('GET', '/api/v1/partners/UZ/outbox?limit=1000', { token: admin });
        const ev = o.json?.events ?? [];
        return ev.length >= dbSerials.length && ev.every((e) => e.state === 'delivered') ? ev : null;
      }, 'every event delivered', 90000);
      const inbox = (await uz.req('GET', '/api/v1/partners/KG/inbox?limit=1000', { token: uzAdmin })).json.events
        .filter((e) => e.verdict === 'applied');
      const sent = [...outbox].sort((x, y) => x.seq - y.seq).map((e) => e.event_id);
      const got = [...inbox].sort((x, y) => x.id - y.id).map((e) => e.event_id);
      assert.deepEqual(got, sent, 'UZ applied the events once each, in the order KG numbered them');
      for (const p of acked) {
        const there = await uz.req('GET', `/api/v1/permits/${p.id}`, { token: uzAdmin });
        assert.equal(there.status, 200, `permit ${p.id} did not reach UZ`);
      }
      const leaseAfter = psql(db.url, "SELECT coalesce(lease_owner, '') FROM exchange_chains WHERE partner = 'UZ'");
      assert.ok(leaseAfter === '' || leaseAfter.startsWith(`${b.proc.pid}-`), `the lease is held by ${leaseAfter}, not the survivor`);

      // The client's address through the balancer: the real one, not the balancer's, not
      // what the client wrote into X-Forwarded-For.
      const m = await bal.req('GET', '/metrics', { headers: { 'x-forwarded-for': '10.9.9.9' } });
      assert.equal(m.status, 200, 'the client 127.0.0.1 is allowed; the balancer appended it');
      const lines = b.log().split('\n').filter((l) => l.includes('"path":"/metrics"'));
      assert.ok(lines.length >= 1 && lines.every((l) => l.includes('"addr":"127.0.0.1"')), lines.join('\n'));
      // The survivor stops cleanly.
      b.proc.kill('SIGTERM');
      assert.equal(await b.exited, 0, b.log().slice(-3000));
      assertNoSanitizerReport(b.log(), 'kapka serve (instance b)');
      console.log(`# ha: ${acked.length} permits acknowledged (serials ${serials.join(',')}), ${outbox.length} events ` +
        `delivered once and in order; outbox lease ${leaseBefore || '(none)'} -> ${leaseAfter || '(none)'}`);
    } finally {
      haproxy?.kill('SIGTERM');
      for (const x of [a, b]) if (x && x.proc.exitCode === null && x.proc.signalCode === null) { x.proc.kill('SIGTERM'); await x.exited; }
      if (uz) await stopClean(uz);
      db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
