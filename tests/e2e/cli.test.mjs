// cli.test.mjs: the kapka binary's subcommands and its three sources of settings
// (flags beat KAPKA_* environment variables, which beat the --config file).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import {
  kapka, freshDb, withServer, startKapka, stopClean, assertError, backend, ADMIN_PASSWORD, PASSWORD,
} from './lib.mjs';

const dbs = [];
function db() {
  const d = freshDb();
  dbs.push(d);
  return d;
}
after(() => { for (const d of dbs) d.drop(); });

// Settings that could leak in from the caller's environment are removed for these runs.
const CLEAN = Object.fromEntries(['KAPKA_DB', 'KAPKA_CONFIG', 'KAPKA_PORT', 'KAPKA_MAX_BODY', 'KAPKA_LOG_LEVEL',
  'KAPKA_ADMIN_PASSWORD'].map((n) => [n, undefined]));
const withDb = (url, more = {}) => ({ ...CLEAN, KAPKA_DB: url, ...more });

test('kapka --help, kapka serve --help, kapka version; bad commands exit 2', async () => {
  const h = await kapka(['--help']);
  assert.equal(h.code, 0, h.stderr);
  for (const word of ['serve', 'migrate', 'user', 'demo', '--port', 'KAPKA_DB', '--config']) {
    assert.ok(h.stdout.includes(word), `kapka --help mentions ${word}`);
  }
  const s = await kapka(['serve', '--help']);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /usage: kapka serve/);
  assert.match(s.stdout, /--listen/);
  assert.match(s.stdout, /SIGTERM/);
  for (const sub of ['migrate', 'demo', 'user']) {
    const r = await kapka([sub, '--help']);
    assert.equal(r.code, 0, `${sub} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`usage: kapka ${sub}`));
  }
  const v = await kapka(['version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^kapka \d+\.\d+\.\d+/);

  const none = await kapka([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage: kapka/);
  const bogus = await kapka(['bogus']);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /unknown command 'bogus'/);
  const arg = await kapka(['migrate', '--no-such-flag'], { env: withDb(db().url) });
  assert.equal(arg.code, 2);
  assert.match(arg.stderr, /unknown argument/);
  const serveArg = await kapka(['serve', 'extra'], { env: withDb(db().url) });
  assert.equal(serveArg.code, 2);
});

test('kapka migrate applies the schema and is idempotent', async () => {
  const d = db();
  const first = await kapka(['migrate'], { env: withDb(d.url) });
  assert.equal(first.code, 0, first.stderr);
  const m = /database (sqlite|postgres) is at schema version (\d+)/.exec(first.stdout);
  assert.ok(m, first.stdout);
  assert.equal(m[1], backend() === 'pg' ? 'postgres' : 'sqlite');
  assert.ok(Number(m[2]) >= 1);
  assert.match(first.stderr, /applied migration 001_/);
  const again = await kapka(['migrate', '--db', d.url], { env: CLEAN });
  assert.equal(again.code, 0, again.stderr);
  assert.ok(again.stdout.includes(`schema version ${m[2]}`), again.stdout);
  assert.doesNotMatch(again.stderr, /applied migration/);
});

test('kapka keygen makes, lists and revokes signing keys; the current one cannot be revoked', async () => {
  const d = db();
  const env = withDb(d.url, { KAPKA_KEY_PASSPHRASE: 'keygen-test-passphrase-1' });
  const first = await kapka(['keygen', '--list'], { env });
  assert.equal(first.code, 0, first.stderr);
  const [old] = first.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.equal(old[1], 'current');
  const made = await kapka(['keygen'], { env });
  assert.equal(made.code, 0, made.stderr);
  const kid = made.stdout.trim();
  assert.match(made.stderr, new RegExp(`${kid} is now the signing key`));
  const listed = await kapka(['keygen', '--list'], { env });
  assert.deepEqual(listed.stdout.trim().split('\n').sort(), [`${kid}\tcurrent`, `${old[0]}\tvalid`].sort());
  const refused = await kapka(['keygen', '--revoke', kid], { env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /it is the current key/);
  const revoked = await kapka(['keygen', '--revoke', old[0]], { env });
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match((await kapka(['keygen', '--list'], { env })).stdout, new RegExp(`${old[0]}\trevoked`));
  assert.equal((await kapka(['keygen', '--bogus'], { env })).code, 2);
});

test('kapka migrate on a database it cannot reach exits 1 with a message', async () => {
  const url = backend() === 'pg' ? 'postgres://postgres@127.0.0.1:1/nowhere' : '/proc/kapka-cannot-be-here/x.db';
  const r = await kapka(['migrate', '--db', url], { env: CLEAN });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /kapka: /);
});

test('kapka user add reads the password from stdin; the user signs in', async () => {
  const d = db();
  const env = withDb(d.url);
  const add = await kapka(['user', 'add', '--role', 'officer', '--username', 'aibek', '--org', 'Border Post Dostuk',
    '--org-kind', 'border_service', '--full-name', 'Aibek Sadykov', '--language', 'ky'], { env, input: `${PASSWORD}\n` });
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /created officer 'aibek' \(id \d+\)/);
  assert.ok(!add.stdout.includes(PASSWORD) && !add.stderr.includes(PASSWORD), 'the password is not printed');

  // A second officer joins the same organisation by name, without --org-kind.
  const add2 = await kapka(['user', 'add', '--role', 'officer', '--username', 'gulnara', '--org', 'Border Post Dostuk'],
    { env, input: `${PASSWORD}\r\n` });
  assert.equal(add2.code, 0, add2.stderr);

  // Refusals: short password, no password, taken name, role without its organisation, unknown org.
  const short = await kapka(['user', 'add', '--role', 'traveller', '--username', 'shorty'], { env, input: 'short\n' });
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 10 characters/);
  const empty = await kapka(['user', 'add', '--role', 'traveller', '--username', 'nopass'], { env, input: '' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no password/);
  const taken = await kapka(['user', 'add', '--role', 'traveller', '--username', 'aibek'], { env, input: `${PASSWORD}\n` });
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /taken/);
  const noOrg = await kapka(['user', 'add', '--role', 'officer', '--username', 'lonely'], { env, input: `${PASSWORD}\n` });
  assert.notEqual(noOrg.code, 0);
  const ghostOrg = await kapka(['user', 'add', '--role', 'officer', '--username', 'ghost', '--org', 'Nowhere'], { env, input: `${PASSWORD}\n` });
  assert.notEqual(ghostOrg.code, 0);
  assert.match(ghostOrg.stderr, /no organisation/);
  const badRole = await kapka(['user', 'add', '--role', 'emperor', '--username', 'napoleon'], { env, input: `${PASSWORD}\n` });
  assert.equal(badRole.code, 2);

  const list = await kapka(['user', 'list'], { env });
  assert.equal(list.code, 0, list.stderr);
  const names = list.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]);
  assert.deepEqual(names.sort(), ['aibek', 'gulnara']);

  // The server on this database lets aibek in, as an officer of that organisation.
  await withServer({ env: { KAPKA_DB: d.url } }, async (k) => {
    const token = await k.login('aibek', PASSWORD);
    const me = await k.req('GET', '/api/v1/session', { token });
    assert.equal(me.json.user.role, 'officer');
    assert.equal(me.json.user.full_name, 'Aibek Sadykov');
    assert.equal(me.json.user.language, 'ky');
    assert.equal(me.json.organisation.name, 'Border Post Dostuk');
    assert.equal(me.json.organisation.kind, 'border_service');
    const g = await k.login('gulnara', PASSWORD);
    assert.equal((await k.req('GET', '/api/v1/organisations/mine', { token: g })).json.id, me.json.organisation.id);
  });

  // kapka user passwd changes the password.
  const pw = await kapka(['user', 'passwd', '--username', 'aibek'], { env, input: 'a-new-password-2\n' });
  assert.equal(pw.code, 0, pw.stderr);
  await withServer({ env: { KAPKA_DB: d.url } }, async (k) => {
    assertError(await k.req('POST', '/api/v1/session', { body: { username: 'aibek', password: PASSWORD } }), 401);
    assert.equal((await k.req('POST', '/api/v1/session', { body: { username: 'aibek', password: 'a-new-password-2' } })).status, 201);
  });
});

test('kapka demo loads demonstration data once; a second run changes nothing', async () => {
  const d = db();
  const env = withDb(d.url, { KAPKA_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const first = await kapka(['demo'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /loading demonstration data/);
  const usersAfterFirst = await kapka(['user', 'list'], { env });
  assert.equal(usersAfterFirst.code, 0);

  const second = await kapka(['demo'], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /already loaded/);
  const usersAfterSecond = await kapka(['user', 'list'], { env });
  assert.equal(usersAfterSecond.stdout, usersAfterFirst.stdout);

  const roles = usersAfterFirst.stdout.trim().split('\n').map((l) => l.split(/\s+/)[2]).sort();
  for (const role of ['admin', 'auditor', 'carrier', 'ministry', 'officer', 'traveller']) {
    assert.ok(roles.includes(role), `demo has a ${role}: ${roles}`);
  }

  await withServer({ env: { KAPKA_DB: d.url } }, async (k) => {
    const carrier = await k.login('carrier', 'kapka-demo-2026');
    const org = await k.req('GET', '/api/v1/organisations/mine', { token: carrier });
    assert.equal(org.status, 200, org.text);
    assert.equal(org.json.kind, 'carrier');
    await k.login('admin', ADMIN_PASSWORD);
    const officer = await k.login('officer', 'kapka-demo-2026');
    assert.equal((await k.req('GET', '/api/v1/session', { token: officer })).json.user.role, 'officer');
  });
});

test('startKapka({demo: true}) gives a working demo server', async () => {
  await withServer({ demo: true }, async (k) => {
    const t = await k.login('traveller', 'kapka-demo-2026');
    assert.equal((await k.req('GET', '/api/v1/session', { token: t })).json.user.role, 'traveller');
  });
});

// --- settings: file < environment < flags ---

function tmp() {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-cfg-'));
  dbs.push({ drop() { rmSync(dir, { recursive: true, force: true }); } });
  return dir;
}

test('settings: flags beat KAPKA_* variables, which beat the --config file (seen through db)', async () => {
  const dir = tmp();
  const [fileDb, envDb, flagDb] = ['file.db', 'env.db', 'flag.db'].map((f) => join(dir, f));
  const conf = join(dir, 'kapka.conf');
  writeFileSync(conf, `# a comment\n\n  db = ${fileDb}  \nlog_level = info\n`);

  let r = await kapka(['migrate', '--config', conf], { env: CLEAN });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(fileDb), 'the file setting is used when nothing overrides it');

  r = await kapka(['migrate', '--config', conf], { env: { ...CLEAN, KAPKA_DB: envDb } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(envDb), 'KAPKA_DB beats the file');

  r = await kapka(['migrate', '--config', conf, '--db', flagDb], { env: { ...CLEAN, KAPKA_DB: join(dir, 'unused.db') } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(flagDb), '--db beats KAPKA_DB');
  assert.ok(!existsSync(join(dir, 'unused.db')), 'the overridden KAPKA_DB was not touched');

  // KAPKA_CONFIG names the file too, and --flag=value works like --flag value.
  const viaEnv = join(dir, 'via-env.db');
  writeFileSync(join(dir, 'b.conf'), `db = ${viaEnv}\n`);
  r = await kapka(['migrate'], { env: { ...CLEAN, KAPKA_CONFIG: join(dir, 'b.conf') } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(viaEnv), 'KAPKA_CONFIG is read');
  const eqDb = join(dir, 'eq.db');
  r = await kapka(['migrate', `--db=${eqDb}`], { env: CLEAN });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(eqDb), '--db=PATH works');
});

test('settings: the precedence holds for a running server (max_body)', async () => {
  const dir = tmp();
  const conf = join(dir, 'kapka.conf');
  // The file also asks for port 1 and a database that cannot be opened: the harness's
  // --port flag and KAPKA_DB variable must win over them.
  writeFileSync(conf, 'max_body = 4096\nport = 1\ndb = /proc/nope/kapka.db\n');
  const body = (n) => JSON.stringify({ username: 'x', password: 'not-the-password', pad: 'y'.repeat(n) });
  const post = (k, n) => k.req('POST', '/api/v1/session', { body: undefined, raw: body(n), headers: { 'content-type': 'application/json' } });

  await withServer({ args: ['--config', conf] }, async (k) => {
    assert.equal((await post(k, 3000)).status, 401, 'under the file limit');
    assertError(await post(k, 5000), 413, 'body_too_large');
  });
  await withServer({ args: ['--config', conf], env: { KAPKA_MAX_BODY: '2048' } }, async (k) => {
    assertError(await post(k, 3000), 413, 'body_too_large');
  });
  await withServer({ args: ['--config', conf, '--max-body', '8192'], env: { KAPKA_MAX_BODY: '2048' } }, async (k) => {
    assert.equal((await post(k, 5000)).status, 401, 'the flag lifts the limit');
    assertError(await post(k, 9000), 413, 'body_too_large');
  });
});

test('settings: bad files, values and flags are refused with exit 2 and a message', async () => {
  const dir = tmp();
  const d = join(dir, 'x.db');
  writeFileSync(join(dir, 'noeq.conf'), 'port 8080\n');
  writeFileSync(join(dir, 'unknown.conf'), 'colour = blue\n');
  writeFileSync(join(dir, 'range.conf'), 'port = 70000\n');
  const cases = [
    [['migrate', '--config', join(dir, 'noeq.conf')], {}, /noeq\.conf:1: expected name = value/],
    [['migrate', '--config', join(dir, 'unknown.conf')], {}, /unknown\.conf:1: unknown setting 'colour'/],
    [['migrate', '--config', join(dir, 'range.conf')], {}, /range\.conf:1: port must be a whole number/],
    [['migrate', '--config', join(dir, 'missing.conf')], {}, /cannot read config file/],
    [['migrate', '--db', d], { KAPKA_PORT: 'eighty' }, /KAPKA_PORT: port must be a whole number/],
    [['migrate', '--db', d, '--port', '-1'], {}, /--port: port must be a whole number/],
    [['migrate', '--db', d, '--log-level', 'loud'], {}, /log_level must be/],
    [['migrate', '--db'], {}, /--db needs a value/],
  ];
  for (const [args, env, re] of cases) {
    const r = await kapka(args, { env: { ...CLEAN, ...env } });
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
});

test('kapka serve: a port in use, or a database it cannot open, exits 1 with a message', async () => {
  const blocker = net.createServer();
  await new Promise((res) => blocker.listen(0, '127.0.0.1', res));
  const port = blocker.address().port;
  try {
    const d = db();
    const r = await kapka(['serve', '--listen', '127.0.0.1', '--port', String(port)], { env: withDb(d.url) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot listen/);
  } finally {
    blocker.close();
  }
  const bad = backend() === 'pg' ? 'postgres://postgres@127.0.0.1:1/nowhere' : '/proc/kapka-nope/x.db';
  const r2 = await kapka(['serve', '--port', '0'], { env: withDb(bad) });
  assert.equal(r2.code, 1, r2.stderr);
  const r3 = await kapka(['serve', '--listen', 'not-an-address', '--port', '0'], { env: withDb(db().url) });
  assert.equal(r3.code, 1, r3.stderr);
  assert.match(r3.stderr, /not an IPv4 or IPv6 address/);
});

// Without key_passphrase, kapka keeps a generated one in key_passphrase_file
// (default var/kapka-key.secret). Like the SQLite file's folder, the file's folder should
// be made when missing: `kapka serve --db postgres://...` in a fresh checkout has no var/.
test('the key passphrase file is created, with its folder, mode 0600, and reused', async () => {
  const dir = tmp();
  const file = join(dir, 'not-yet', 'kapka-key.secret');
  const env = { KAPKA_KEY_PASSPHRASE: undefined, KAPKA_KEY_PASSPHRASE_FILE: file };
  const d = db();
  const k = await startKapka({ env: { ...env, KAPKA_DB: d.url } });
  await stopClean(k);
  assert.ok(existsSync(file), 'the passphrase file exists');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const pass = readFileSync(file, 'utf8');
  assert.ok(pass.trim().length >= 8);
  // A second start reads it and can decrypt the signing key it made the first time.
  const k2 = await startKapka({ env: { ...env, KAPKA_DB: d.url } });
  await stopClean(k2);
  assert.equal(readFileSync(file, 'utf8'), pass);
});

test('a server restarted on the same database keeps its data and does not make a second admin', async () => {
  const d = db();
  const k1 = await startKapka({ env: { KAPKA_DB: d.url } });
  const token = await k1.login('admin', ADMIN_PASSWORD);
  const created = await k1.req('POST', '/api/v1/travellers', { body: { username: 'persisted', password: PASSWORD, full_name: 'P Q' } });
  assert.equal(created.status, 201, created.text);
  assert.equal((await k1.req('GET', '/api/v1/users', { token })).json.items.length, 2);
  await stopClean(k1);

  // A different admin password on the second start must not matter: admin exists.
  const k2 = await startKapka({ env: { KAPKA_DB: d.url, KAPKA_ADMIN_PASSWORD: 'another-password-9' } });
  try {
    assert.doesNotMatch(k2.log(), /created the administrator account/);
    const t2 = await k2.login('admin', ADMIN_PASSWORD);
    const users = (await k2.req('GET', '/api/v1/users', { token: t2 })).json.items.map((u) => u.username).sort();
    assert.deepEqual(users, ['admin', 'persisted']);
    assert.equal((await k2.req('POST', '/api/v1/session', { body: { username: 'persisted', password: PASSWORD } })).status, 201);
  } finally {
    await stopClean(k2);
  }
});
