// kannel.mjs: a real Kannel SMS gateway for tests (docs/notifications.md): bearerbox with a
// fake SMSC connection, smsbox with the sendsms HTTP interface kapka calls, and Kannel's own
// test SMSC, /usr/lib/kannel/test/fakesmsc, as the peer that receives the messages. Each
// on free ports in a temporary folder, stopped by stop().
//
//   const kannel = await startKannel();
//   startKapka({ env: kannel.kapkaEnv })       // KAPKA_SMS_URL, _USER, _PASSWORD, _FROM
//   const m = await kannel.waitFor((m) => m.to === '+996555123456');
//   m.text                                     // decoded (UCS-2 or GSM text)
//   await kannel.pause(); ... await kannel.resume();   // the gateway down, then up again
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';
export const kannelInstalled = () => existsSync('/usr/sbin/bearerbox') && existsSync(FAKESMSC);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function waitPort(port, ms = 15000) {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); resolve(); });
      c.on('error', () => {
        if (Date.now() > until) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

// One line fakesmsc prints for a message it got: "Got message N: <from to type data>".
// type is text (plain), ucs-2 (URL-encoded UTF-16BE) or data (URL-encoded bytes).
export function parseFakesmsc(line) {
  const m = /[Gg]ot message \d+: <(\S+) (\S+) (\S+) (.*)>$/.exec(line);
  if (!m) return null;
  const [, from, to, type, data] = m;
  let text = data;
  // ucs-2 and data are form-encoded: '+' is a space byte
  const bytesOf = (s) => Buffer.from(unescape(s.replace(/\+/g, '%20')), 'latin1');
  if (type === 'ucs-2' || type === 'ucs2') {
    const bytes = bytesOf(data);
    const swapped = Buffer.alloc(bytes.length);
    for (let i = 0; i + 1 < bytes.length; i += 2) { swapped[i] = bytes[i + 1]; swapped[i + 1] = bytes[i]; }
    text = swapped.toString('utf16le');
  } else if (type === 'data') {
    text = bytesOf(data).toString('utf8');
  }
  return { from, to, type, text, raw: line };
}

export async function startKannel() {
  const dir = mkdtempSync(join(tmpdir(), 'kapka-kannel-'));
  const [admin, boxPort, smscPort, sendsms] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const user = 'kapka', password = 'sms-secret-1';
  const conf = join(dir, 'kannel.conf');
  writeFileSync(conf, `group = core
admin-port = ${admin}
admin-password = admin-${password}
smsbox-port = ${boxPort}
box-allow-ip = "127.0.0.1"
log-level = 1
log-file = "${dir}/bearerbox.log"

group = smsc
smsc = fake
smsc-id = fake
port = ${smscPort}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = ${sendsms}
log-level = 1
log-file = "${dir}/smsbox.log"

group = sendsms-user
username = ${user}
password = ${password}
max-messages = 4
concatenation = true

group = sms-service
keyword = default
text = "kapka sends only"
`);
  const procs = {};
  const messages = [];
  const waiters = [];
  let out = '';
  const startProc = (name, cmd, args) => {
    const p = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    procs[name] = p;
    // the boxes' own output is read and dropped: a full pipe would stop them mid-write
    // (smsbox logs each delivery report it forwards)
    if (name !== 'fakesmsc') { p.stdout.resume(); p.stderr.resume(); }
    return p;
  };
  const startBearerbox = async () => { startProc('bearerbox', '/usr/sbin/bearerbox', [conf]); await waitPort(boxPort); };
  const running = (name) => procs[name] && procs[name].exitCode === null && procs[name].signalCode === null;
  const startSmsbox = async () => {
    if (!running('smsbox')) startProc('smsbox', '/usr/sbin/smsbox', [conf]); // up already: nothing to do
    await waitPort(sendsms);
  };
  const startSmsc = async () => {
    await waitPort(smscPort);
    const p = startProc('fakesmsc', FAKESMSC, ['-H', '127.0.0.1', '-r', String(smscPort), '-m', '0', '100 200 text nop']);
    let buf = '';
    const take = (chunk) => {
      out += chunk;
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = parseFakesmsc(line);
        if (!m) continue;
        messages.push(m);
        for (const w of waiters.splice(0)) if (!w(m)) waiters.push(w);
      }
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
  };
  const stopProc = (name) => new Promise((resolve) => {
    const p = procs[name];
    delete procs[name];
    if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => { if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL'); }, 3000).unref();
  });
  await startBearerbox();
  await startSmsc();
  await startSmsbox();
  const url = `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`;
  return {
    url, user, password, dir, messages,
    kapkaEnv: { KAPKA_SMS_URL: url, KAPKA_SMS_USER: user, KAPKA_SMS_PASSWORD: password, KAPKA_SMS_FROM: 'kapka' },
    output: () => out,
    // The first message (already in or still to come) for which pred holds.
    waitFor(pred, ms = 20000) {
      const had = messages.find(pred);
      if (had) return Promise.resolve(had);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such SMS reached fakesmsc in ${ms} ms; it got:\n${messages.map((m) => m.raw).join('\n')}`)), ms);
        waiters.push((m) => { if (!pred(m)) return false; clearTimeout(timer); resolve(m); return true; });
      });
    },
    // The sendsms interface down (smsbox stopped) and up again.
    pause: () => stopProc('smsbox'),
    resume: startSmsbox,
    async stop() {
      await stopProc('smsbox');
      await stopProc('fakesmsc');
      await stopProc('bearerbox');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
