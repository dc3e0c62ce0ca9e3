// smtp.mjs: a real SMTP server for tests (npm smtp-server), each message parsed with
// mailparser, on a free port. AUTH is required when a user is given.
//
//   const mail = await startSmtp({ user: 'kapka', password: 'pw' });
//   startKapka({ env: mail.kapkaEnv })         // KAPKA_SMTP_URL, _FROM, _USER, _PASSWORD
//   const m = await mail.waitFor((m) => m.to === 'driver@example.kg');
//   m.subject, m.text, m.headers (a Map), m.raw, m.secure (came over TLS)
//   startSmtp({ tls: { key, cert, caFile } })  // offers STARTTLS; kapka must use it
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export async function startSmtp({ user = 'kapka', password = 'smtp-secret-1', tls = null } = {}) {
  const messages = [];
  const waiters = [];
  let refuse = false;
  const server = new SMTPServer({
    secure: false,
    hideSTARTTLS: !tls,
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    authOptional: !user,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, session, cb) {
      if (auth.username === user && auth.password === password) return cb(null, { user });
      return cb(new Error('Invalid username or password'));
    },
    onMailFrom(address, session, cb) {
      if (refuse) { const e = new Error('Try again later'); e.responseCode = 451; return cb(e); }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        const m = {
          raw, subject: parsed.subject, secure: !!session.secure, text: (parsed.text || '').trim(), headers: parsed.headers,
          from: session.envelope.mailFrom && session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
        };
        messages.push(m);
        for (const w of waiters.splice(0)) if (!w(m)) waiters.push(w);
        cb();
      });
    },
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const port = server.server.address().port;
  return {
    port, messages,
    kapkaEnv: { KAPKA_SMTP_URL: `smtp://127.0.0.1:${port}`, KAPKA_SMTP_FROM: 'kapka <noreply@kapka.example.kg>',
      KAPKA_SMTP_USER: user, KAPKA_SMTP_PASSWORD: password, KAPKA_SMTP_STARTTLS: tls ? '1' : '0',
      ...(tls ? { KAPKA_SMTP_CA_FILE: tls.caFile } : {}) },
    // Answer 451 to every message (the server "down") until set back to false.
    refuse(on) { refuse = on; },
    waitFor(pred, ms = 20000) {
      const had = messages.find(pred);
      if (had) return Promise.resolve(had);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such mail arrived in ${ms} ms; got: ${messages.map((m) => m.to + ' ' + m.subject).join('; ')}`)), ms);
        waiters.push((m) => { if (!pred(m)) return false; clearTimeout(timer); resolve(m); return true; });
      });
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
