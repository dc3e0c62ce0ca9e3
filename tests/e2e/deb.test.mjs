// deb.test.mjs: the Debian package `make deb` builds (built here when missing or older than
// bin/kapka): its contents and conffiles, its maintainer scripts, the systemd unit checked
// by systemd-analyze verify and its security exposure, and the packaged binary started
// with the packaged configuration and web folder as an unprivileged user with no new
// privileges and no capabilities (setpriv). Without systemd as PID 1 here, the unit's own
// sandbox (ProtectSystem, SystemCallFilter, ...) cannot be applied by systemd itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/kapka.mjs';
import { sleep, backend } from './lib.mjs';

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });

function debFile() {
  const dir = join(ROOT, 'build', 'deb');
  const find = () => (existsSync(dir) ? readdirSync(dir).find((f) => /^kapka_[0-9.]+_amd64\.deb$/.test(f)) : undefined);
  let f = find();
  if (!f || statSync(join(dir, f)).mtimeMs < statSync(join(ROOT, 'bin', 'kapka')).mtimeMs) {
    run('make', ['--no-print-directory', 'deb'], { cwd: ROOT, stdio: 'pipe' });
    f = find();
  }
  assert.ok(f, 'make deb made no kapka_<version>_amd64.deb');
  return join(dir, f);
}

const SKIP = { skip: (backend() === 'pg' && 'the package does not depend on the database: checked in the SQLite run')
  || (process.getuid() !== 0 && 'starting the package as another user needs root'), timeout: 600000 };

test('the package holds the binary, web/, a man page per subcommand, the configuration and the unit', SKIP, () => {
  const deb = debFile();
  const version = run(join(ROOT, 'bin', 'kapka'), ['version']).split(/\s+/)[1];
  assert.match(deb, new RegExp(`kapka_${version.replace(/\./g, '\\.')}_amd64\\.deb$`));
  const files = run('dpkg-deb', ['-c', deb]);
  for (const path of ['./usr/bin/kapka', './usr/share/kapka/web/index.html', './etc/kapka/kapka.conf',
    './lib/systemd/system/kapka.service', './usr/share/man/man1/kapka.1.gz', './usr/share/doc/kapka/operations.md.gz']) {
    assert.match(files, new RegExp(` ${path.replace(/\./g, '\\.')}$`, 'm'), `${path} is not in the package`);
  }
  const commands = run(join(ROOT, 'bin', 'kapka'), ['help']).split('commands:')[1].split('\n')
    .filter((l) => /^  [a-z]/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
  assert.ok(commands.includes('backup') && commands.includes('serve'));
  for (const c of commands) assert.match(files, new RegExp(`/usr/share/man/man1/kapka-${c}\\.1\\.gz$`, 'm'), `no man page for ${c}`);
  const info = run('dpkg-deb', ['-I', deb]);
  assert.match(info, /Depends: .*adduser/);
  const dir = mkdtempSync(join(tmpdir(), 'kapka-deb-'));
  try {
    run('dpkg-deb', ['-e', deb, join(dir, 'DEBIAN')]);
    assert.equal(readFileSync(join(dir, 'DEBIAN', 'conffiles'), 'utf8').trim(), '/etc/kapka/kapka.conf');
    const postinst = readFileSync(join(dir, 'DEBIAN', 'postinst'), 'utf8');
    assert.match(postinst, /adduser --system/);
    assert.match(postinst, /install -d -m 0700 -o kapka -g kapka \/var\/lib\/kapka/);
    for (const s of ['postinst', 'postrm', 'prerm', 'postrm']) if (existsSync(join(dir, 'DEBIAN', s))) run('sh', ['-n', join(dir, 'DEBIAN', s)]);
    // Every man page renders without groff warnings.
    run('dpkg-deb', ['-x', deb, join(dir, 'root')]);
    for (const c of ['kapka', ...commands.map((x) => `kapka-${x}`)]) {
      const out = execFileSync('sh', ['-c', `zcat "$1" | groff -man -Tutf8 -ww -z 2>&1`, 'sh', join(dir, 'root', 'usr/share/man/man1', `${c}.1.gz`)], { encoding: 'utf8' });
      assert.equal(out, '', `${c}.1: ${out}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the unit passes systemd-analyze verify, is hardened, and the packaged kapka serves with no privileges', SKIP, async () => {
  const deb = debFile();
  const dir = mkdtempSync(join(tmpdir(), 'kapka-deb-'));
  let proc = null;
  try {
    const root = join(dir, 'root');
    run('dpkg-deb', ['-x', deb, root]);
    const unitText = readFileSync(join(root, 'lib/systemd/system/kapka.service'), 'utf8');
    for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'CapabilityBoundingSet=',
      'User=kapka', 'StateDirectoryMode=0700', 'ExecReload=/bin/kill -HUP $MAINPID', 'StandardError=journal']) {
      assert.ok(unitText.split('\n').includes(line), `the unit lacks ${line}`);
    }
    assert.match(unitText, /^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$/m);
    assert.match(unitText, /^SystemCallFilter=@system-service$/m);
    // Verified with the binary where the package puts it relative to the scratch root.
    const unit = join(dir, 'kapka.service');
    writeFileSync(unit, unitText.replace('/usr/bin/kapka', join(root, 'usr/bin/kapka')));
    run('systemd-analyze', ['verify', '--man=no', unit]);
    const sec = run('systemd-analyze', ['security', '--offline=yes', '--no-pager', unit]);
    const level = Number(/Overall exposure level for kapka\.service: ([0-9.]+)/.exec(sec)[1]);
    assert.ok(level <= 2.0, `exposure ${level} (systemd-analyze security)\n${sec}`);

    // The packaged configuration, its paths moved under the scratch root; the state folder
    // 0700 and owned by the unprivileged user, as postinst makes it.
    const state = join(root, 'var/lib/kapka');
    mkdirSync(join(root, 'var/lib'), { recursive: true, mode: 0o755 });
    mkdirSync(state, { mode: 0o700 });
    chownSync(state, 65534, 65534);
    const conf = readFileSync(join(root, 'etc/kapka/kapka.conf'), 'utf8')
      .replace(/^port = .*$/m, 'port = 0')
      .replaceAll('/var/lib/kapka', state).replaceAll('/usr/share/kapka/web', join(root, 'usr/share/kapka/web'));
    writeFileSync(join(dir, 'kapka.conf'), conf);
    chownSync(dir, 65534, 65534);
    const env = { PATH: '/usr/bin:/bin', KAPKA_CONFIG: join(dir, 'kapka.conf'), KAPKA_ADMIN_PASSWORD: 'deb-admin-password-1' };
    const demo = execFileSync('setpriv', ['--no-new-privs', '--reuid=65534', '--regid=65534', '--clear-groups',
      '--bounding-set=-all', '--inh-caps=-all', join(root, 'usr/bin/kapka'), 'demo'], { env, cwd: state, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(demo, /demo/i);
    proc = spawn('setpriv', ['--no-new-privs', '--reuid=65534', '--regid=65534', '--clear-groups', '--bounding-set=-all',
      '--inh-caps=-all', join(root, 'usr/bin/kapka'), 'serve'], { env, cwd: state });
    let log = '';
    proc.stderr.on('data', (d) => (log += d));
    proc.stdout.on('data', (d) => (log += d));
    let port = null;
    for (let i = 0; i < 300 && !port; i++) {
      port = /serving http:\/\/[^:]+:(\d+)\//.exec(log)?.[1];
      if (!port) await sleep(100);
    }
    assert.ok(port, `the packaged kapka did not start:\n${log}`);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    assert.equal((await fetch(`${base}/metrics`)).status, 200, 'the packaged metrics_allow lets this machine read /metrics');
    const db = join(state, 'kapka.db');
    assert.equal(statSync(db).uid, 65534);
    assert.equal(statSync(db).mode & 0o077, 0, 'the database is readable by its owner only');
    // Reload (SIGHUP) keeps it serving.
    proc.kill('SIGHUP');
    await sleep(300);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.match(log, /reload/);
    proc.kill('SIGTERM');
    const code = await new Promise((r) => proc.on('exit', r));
    proc = null;
    assert.equal(code, 0, log);
  } finally {
    if (proc) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
