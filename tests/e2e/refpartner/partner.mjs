// partner.mjs: a partner authority that behaves on the wire as e-permit-java 1.1 does,
// written from the reference's source (not from kapka's code): its public API
// (P/controllers/IndexController, EventController), the receiving flow
// (R/services/EventService.handleReceivedEvent, R/ledgerevents/LedgerEventUtil,
// R/utils/JwsUtil, the *LedgerEventHandler classes), its answers (P/RestExceptionHandler,
// R/commons/ApiErrorResponse) and its sending side (persistAndPublishEvent, sendEvent,
// the handshake AuthorityService.create and the healthcheck).
import http from 'node:http';
import { generateKeyPairSync, createPublicKey, sign, verify, randomUUID } from 'node:crypto';
import { parse, gson, jackson } from './java.mjs';
import { bind, validate, gsonOf, PATHS, pathOf, BindError } from './events.mjs';
// The partner lives on the suite's timeline (tests/run.sh's KAPKA_TEST_CLOCK), as kapka does.
import { clockNow } from '../../lib/kapka.mjs';

const b64 = (x) => Buffer.from(x).toString('base64url');

class Epermit extends Error { // EpermitValidationException
  constructor(code) { super(code); this.code = code; }
}
class Status extends Error { // ResponseStatusException(UNAUTHORIZED, reason)
  constructor(reason) { super(reason); }
}

export class RefPartner {
  constructor(code, name) {
    this.code = code;
    this.name = name;
    this.keys = []; // Key: {keyId, privateKey, jwk (public, as text), revoked, createdAt}
    this.authorities = new Map(); // code -> {publicApiUri, keys: [{keyId, jwk, revoked, revokedAt}]}
    this.ledger = []; // LedgerEvent: {producer, consumer, eventId, previousEventId, eventType, content, proof}
    this.created = []; // CreatedEvent: {eventId, sent, error}
    this.quotas = []; // LedgerQuota
    this.permits = new Map(); // LedgerPermit by permit id
    this.serials = new Map();
    this.received = []; // every answer we gave: {path, status, body}
    this.down = false;
    this.dropNextAnswer = false; // apply an event but lose the answer (a timeout on the sender)
    this.createKey('1'); // KeyService.seed
  }

  // ---- keys (R/services/KeyService, R/utils/PrivateKeyUtil, R/utils/JwsUtil) ----
  createKey(keyId) {
    if (this.keys.some((k) => k.keyId === keyId)) throw new Epermit('KEYID_ALREADY_EXISTS');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const j = publicKey.export({ format: 'jwk' });
    const jwk = gson(new Map([['kty', 'EC'], ['use', 'sig'], ['crv', 'P-256'], ['kid', keyId], ['x', j.x], ['y', j.y], ['alg', 'ES256']]));
    this.keys.push({ keyId, privateKey, jwk, revoked: false, createdAt: this.keys.length });
    if (this.keys.length > 1) {
      for (const code of this.authorities.keys()) {
        this.persistAndPublish('KEY_CREATED', code, { authority: this.code, kid: keyId, jwk });
      }
    }
  }
  revokeKey(keyId) {
    if (this.keys.filter((k) => !k.revoked).length < 2) throw new Epermit('INSUFFICIENT_KEY');
    const key = this.keys.find((k) => k.keyId === keyId && !k.revoked);
    if (!key) throw new Epermit('KEY_NOTFOUND');
    key.revoked = true;
    for (const code of this.authorities.keys()) {
      this.persistAndPublish('KEY_REVOKED', code, { authority: this.code, keyId, revokedAt: BigInt(Math.floor(clockNow() / 1000)) });
    }
  }
  signingKey() { return this.keys.find((k) => !k.revoked); } // findFirstByRevokedFalseOrderByCreatedAtAsc
  jws(payload, key = this.signingKey()) {
    const input = `${b64(JSON.stringify({ kid: key.keyId, alg: 'ES256' }))}.${b64(payload)}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
  }
  config() { // ConfigService.getConfig: every key, as PublicJwk
    return { code: this.code, name: this.name, version: '1.1.2', keys: this.keys.map((k) => JSON.parse(k.jwk)) };
  }

  // ---- the public API ----
  async start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => this.serve(req, Buffer.concat(chunks).toString(), res));
    });
    await new Promise((r) => this.server.listen(this.port ?? 0, '127.0.0.1', r));
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }
  async stop() {
    if (this.server) await new Promise((r) => { this.server.close(r); this.server.closeAllConnections(); });
    this.server = null;
  }

  answer(res, status, body, path) {
    this.received.push({ path, status, body });
    if (typeof body === 'string') {
      res.writeHead(status, { 'content-type': 'text/plain;charset=UTF-8' });
      res.end(body);
    } else {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    }
  }
  apiError(status, name, message, details) { // ApiErrorResponse, serialised by Jackson with SNAKE_CASE
    const r = { status: name, timestamp: new Date(clockNow()).toISOString().slice(0, 23), error_id: randomUUID(), error_message: message };
    if (details && Object.keys(details).length) r.details = details;
    return r;
  }

  serve(req, text, res) {
    const path = req.url.replace(/\/+/g, '/');
    try {
      if (req.method === 'GET' && path === '/') return this.answer(res, 200, this.config(), path);
      if (req.method === 'GET' && path === '/healthcheck') return this.answer(res, 200, this.healthcheckAnswer(req.headers.authorization), path);
      const m = /^\/events\/([a-z-]+)$/.exec(path);
      if (req.method !== 'POST' || !m || !PATHS[m[1]]) return this.answer(res, 404, this.apiError(404, 'INTERNAL_SERVER_ERROR', 'Internal Server Error!!, please contact system manager with error id'), path);
      const type = PATHS[m[1]];
      let event;
      try {
        event = bind(type, parse(text));
      } catch (e) {
        if (e instanceof BindError || e instanceof SyntaxError) throw e;
        throw e;
      }
      const details = validate(type, event); // @Valid, before the controller method runs
      if (Object.keys(details).length) return this.answer(res, 400, this.apiError(400, 'BAD_REQUEST', 'Following validation errors occured', details), path);
      this.handleReceived(type, event, req.headers.authorization);
      if (this.dropNextAnswer) { this.dropNextAnswer = false; res.destroy(); return undefined; }
      return this.answer(res, 200, undefined, path);
    } catch (e) {
      if (e instanceof Status) return this.answer(res, 401, `401 UNAUTHORIZED "${e.message}"`, path);
      if (e instanceof Epermit) {
        return this.answer(res, 422, this.apiError(422, 'UNPROCESSABLE_ENTITY', 'Error, please contact system manager with error id', { errorCode: e.code }), path);
      }
      return this.answer(res, 500, this.apiError(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error!!, please contact system manager with error id'), path);
    }
  }

  // EventService.handleReceivedEvent (@Transactional: all or nothing)
  handleReceived(type, e, authorization) {
    const proof = this.verifyProof(e, type, authorization);
    const snapshot = this.snapshot();
    try {
      this.handleEvent(type, e, proof);
    } catch (err) {
      this.restore(snapshot);
      throw err;
    }
  }
  snapshot() {
    return { ledger: this.ledger.length, quotas: JSON.stringify(this.quotas, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      permits: new Map([...this.permits].map(([k, v]) => [k, structuredClone(v)])),
      authorities: new Map([...this.authorities].map(([k, v]) => [k, structuredClone(v)])) };
  }
  restore(s) {
    this.ledger.length = s.ledger;
    this.quotas = JSON.parse(s.quotas, (k, v) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
    this.permits = s.permits;
    this.authorities = s.authorities;
  }

  // LedgerEventUtil.verifyProof + JwsUtil.validateJws
  verifyProof(e, type, authorization) {
    if (authorization === undefined) throw new Status('Authorization header not found');
    if (!authorization.toLowerCase().startsWith('bearer ')) throw new Status('Invalid authorization type');
    const authority = this.authorities.get(e.eventProducer);
    if (!authority) throw new Status('Invalid authority');
    const proof = authorization.substring(7);
    const [h, s] = proof.split('.');
    if (s === undefined) throw new Error('ArrayIndexOutOfBounds'); // a 500 in the reference
    const payload = gsonOf(type, e);
    const jws = `${h}.${b64(payload)}.${s}`;
    if (e.eventConsumer !== this.code) throw new Status('Invalid jws');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const key = authority.keys.find((k) => !k.revoked && k.keyId === header.kid);
    if (!key) throw new Epermit('KEY_NOTFOUND'); // Authority.getValidKeyById
    const pub = createPublicKey({ key: JSON.parse(key.jwk), format: 'jwk' });
    const ok = verify('sha256', Buffer.from(jws.split('.').slice(0, 2).join('.')), { key: pub, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'));
    if (!ok) throw new Status('Invalid jws');
    return proof;
  }

  // LedgerEventUtil.handleEvent
  handleEvent(type, e, proof) {
    const same = (x) => x.producer === e.eventProducer && x.consumer === e.eventConsumer;
    if (this.ledger.some((x) => same(x) && x.eventId === e.eventId)) throw new Epermit('EVENT_ALREADY_EXISTS');
    if (e.previousEventId === '0') {
      if (this.ledger.some(same)) throw new Epermit('GENESIS_EVENT_ALREADY_EXISTS');
    } else if (!this.ledger.some((x) => same(x) && x.eventId === e.previousEventId)) {
      throw new Epermit('PREVIOUS_EVENT_NOTFOUND');
    }
    this.ledger.push({ producer: e.eventProducer, consumer: e.eventConsumer, eventId: e.eventId, previousEventId: e.previousEventId,
      eventType: type, content: gsonOf(type, e), event: e, proof });
    this[`handle_${type}`](e);
  }
  quota(issuer, issuedFor, type, year) {
    return this.quotas.find((q) => q.permitIssuer === issuer && q.permitIssuedFor === issuedFor && q.permitType === Number(type) && q.permitYear === Number(year));
  }
  handle_QUOTA_CREATED(e) {
    let q = this.quota(e.permitIssuer, e.permitIssuedFor, e.permitType, e.permitYear);
    if (!q) { q = { permitIssuer: e.permitIssuer, permitIssuedFor: e.permitIssuedFor, permitType: Number(e.permitType), permitYear: Number(e.permitYear), totalQuota: 0, issuedCount: 0, revokedCount: 0 }; this.quotas.push(q); }
    q.totalQuota += Number(e.quantity);
  }
  handle_PERMIT_CREATED(e) {
    if (this.permits.has(e.permitId)) throw new Epermit('PERMITID_ALREADY_EXISTS');
    const serial = Number(e.permitId.split('-')[4]);
    const q = this.quota(e.permitIssuer, e.permitIssuedFor, e.permitType, e.permitYear);
    if (!q) throw new Epermit('INSUFFICIENT_PERMIT_QUOTA');
    if (serial < 1 || serial > q.totalQuota) throw new Epermit('INVALID_PERMIT_QUOTA_RANGE');
    q.issuedCount++;
    this.permits.set(e.permitId, { ...e, issuer: e.eventProducer, issuedFor: e.eventConsumer, used: false, revoked: false, activities: [] });
  }
  handle_PERMIT_REVOKED(e) {
    const p = this.permits.get(e.permitId);
    if (!p || p.issuer !== e.eventProducer || p.issuedFor !== e.eventConsumer) throw new Epermit('PERMIT_NOTFOUND');
    if (p.revoked) throw new Epermit('PERMIT_ALREADY_REVOKED');
    const q = this.quota(p.issuer, p.issuedFor, p.permitType, p.permitYear);
    if (!q) throw new Epermit('INSUFFICIENT_PERMIT_QUOTA');
    q.revokedCount++;
    p.revoked = true;
    p.revokedAt = e.revokedAt;
  }
  handle_PERMIT_USED(e) {
    const p = this.permits.get(e.permitId);
    if (!p || p.issuer !== e.eventConsumer || p.issuedFor !== e.eventProducer) throw new Epermit('PERMIT_NOTFOUND');
    p.used = true;
    p.activities.push({ activityType: e.activityType, activityTimestamp: e.activityTimestamp, activityDetails: e.activityDetails });
  }
  handle_KEY_CREATED(e) {
    if (e.authority === this.code) return;
    const a = this.authorities.get(e.authority);
    if (!a) throw new Epermit('AUTHORITY_NOT_FOUND');
    if (a.keys.some((k) => k.keyId === e.kid)) throw new Epermit('KEYID_ALREADY_EXISTS');
    a.keys.push({ keyId: e.kid, jwk: e.jwk, revoked: false });
  }
  handle_KEY_REVOKED(e) {
    if (e.authority === this.code) return;
    const a = this.authorities.get(e.authority);
    if (a.keys.filter((k) => !k.revoked).length === 1) throw new Epermit('INSUFFICIENT_KEY');
    const k = a.keys.find((x) => !x.revoked && x.keyId === e.keyId);
    if (!k) throw new Epermit('KEY_NOTFOUND');
    k.revoked = true;
    k.revokedAt = e.revokedAt;
  }

  // ---- the internal API: handshake, issuing, sending ----
  async addAuthority(publicApiUri) { // AuthorityController.create + AuthorityService.create
    const r = await fetch(publicApiUri);
    if (r.status !== 200) throw new Error(`REMOTE_ERROR ${r.status}`);
    const cfg = await r.json();
    if (this.authorities.has(cfg.code)) throw new Epermit('AUTHORITY_ALREADY_EXISTS');
    this.authorities.set(cfg.code, { publicApiUri, name: cfg.name,
      keys: cfg.keys.map((k) => ({ keyId: k.kid, revoked: false,
        jwk: gson(new Map(['kty', 'use', 'crv', 'kid', 'x', 'y', 'alg'].filter((f) => k[f] != null).map((f) => [f, k[f]]))) })) });
    return cfg;
  }
  previousEventId(consumer) { // getPreviousEventId: the last event we created for the consumer
    const mine = this.ledger.filter((x) => x.producer === this.code && x.consumer === consumer);
    return mine.length ? mine[mine.length - 1].eventId : '0';
  }
  base(consumer, type) {
    return { eventProducer: this.code, eventConsumer: consumer, eventTimestamp: BigInt(Math.floor(clockNow() / 1000)), eventType: type,
      eventId: randomUUID(), previousEventId: this.previousEventId(consumer) };
  }
  // LedgerEventUtil.persistAndPublishEvent: stored, proved, handled here, then sent at once
  persistAndPublish(type, consumer, fields, { send = true } = {}) {
    const e = { ...this.base(consumer, type), ...fields };
    const created = { eventId: e.eventId, sent: false, error: null };
    this.created.push(created);
    const content = gsonOf(type, e);
    const [h, , s] = this.jws(content).split('.');
    this.ledger.push({ producer: this.code, consumer, eventId: e.eventId, previousEventId: e.previousEventId, eventType: type,
      content, event: e, proof: `${h}.${s}` });
    this[`handle_${type}`](e); // handleEvent runs the handler on our own events too
    if (send) this.pending = (this.pending ?? Promise.resolve()).then(() => this.sendEvent(created));
    return e;
  }
  createQuota(authority, { permitType, permitYear, quantity }) { // AuthorityService.createQuota
    return this.persistAndPublish('QUOTA_CREATED', authority, { permitIssuer: authority, permitIssuedFor: this.code,
      permitYear: BigInt(permitYear), permitType: BigInt(permitType), quantity: BigInt(quantity) });
  }
  createPermit(authority, p) { // PermitService.createPermit: the next serial of the quota granted to us
    const key = `${authority}-${p.permitYear}-${p.permitType}`;
    const serial = (this.serials.get(key) ?? 0) + 1;
    this.serials.set(key, serial);
    const permitId = `${this.code}-${authority}-${p.permitYear}-${p.permitType}-${serial}`;
    const payload = gson(new Map([['id', permitId], ['iat', p.issuedAt], ['exp', p.expiresAt], ['pn', p.plateNumber], ['cn', p.companyName]]));
    return this.persistAndPublish('PERMIT_CREATED', authority, { permitId, permitType: BigInt(p.permitType), permitIssuer: this.code,
      permitIssuedFor: authority, permitYear: BigInt(p.permitYear), issuedAt: p.issuedAt, expiresAt: p.expiresAt,
      plateNumber: p.plateNumber, plateNumber2: p.plateNumber2 ?? null, companyName: p.companyName, companyId: p.companyId,
      departureCountry: p.departureCountry, arrivalCountry: p.arrivalCountry, qrCode: this.jws(payload), otherClaims: p.otherClaims ?? null });
  }
  revokePermit(permitId) {
    const p = this.permits.get(permitId);
    return this.persistAndPublish('PERMIT_REVOKED', p.issuedFor, { permitId, revokedAt: BigInt(Math.floor(clockNow() / 1000)) });
  }
  permitUsed(permitId, activityType, activityDetails) {
    const issuer = permitId.split('-')[0];
    return this.persistAndPublish('PERMIT_USED', issuer, { permitId, activityType,
      activityTimestamp: BigInt(Math.floor(clockNow() / 1000)), activityDetails });
  }

  // EventService.sendEvent: the stored Gson content as a Map (LONG_OR_DOUBLE), posted by
  // RestTemplate (Jackson) with the proof; 422 EVENT_ALREADY_EXISTS counts as sent.
  async sendEvent(created) {
    const le = this.ledger.find((x) => x.eventId === created.eventId);
    const a = this.authorities.get(le.consumer);
    const url = `${a.publicApiUri}/events/${pathOf(le.eventType)}`;
    try {
      const r = await fetch(url, { method: 'POST', body: jackson(parse(le.content)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${le.proof}` } });
      const text = await r.text();
      if (r.status === 200) { created.sent = true; return; }
      if (r.status === 422) {
        const code = JSON.parse(text).details?.errorCode;
        if (code === 'EVENT_ALREADY_EXISTS') { created.sent = true; return; }
        created.error = code === 'PREVIOUS_EVENT_NOTFOUND' ? 'Previous event not found' : text;
        return;
      }
      created.error = `${r.status} ${text}`;
    } catch (e) {
      created.error = e.message;
    }
  }
  async retryUnsent() { // EventScheduler: every unsent event, in creation order
    for (const c of this.created.filter((x) => !x.sent)) await this.sendEvent(c);
  }
  async flush() { await this.pending; }
  unsent() { return this.created.filter((x) => !x.sent); }

  // IndexController.healthcheck and JwsUtil.createJwt/verifyJwt
  healthcheckAnswer(authorization) {
    if (authorization === undefined) throw new Status('Authorization header not found');
    if (!authorization.toLowerCase().startsWith('bearer ')) throw new Status('Invalid authorization type');
    const jwt = authorization.substring(7);
    const [h, p, s] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (aud !== this.code) throw new Status('Authorization failed');
    const a = this.authorities.get(claims.iss);
    if (!a) throw new Epermit('AUTHORITY_NOT_FOUND');
    const kid = JSON.parse(Buffer.from(h, 'base64url').toString()).kid;
    const key = a.keys.find((k) => !k.revoked && k.keyId === kid);
    if (!key) throw new Epermit('KEY_NOTFOUND');
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: JSON.parse(key.jwk), format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    if (!ok || !(clockNow() < claims.exp * 1000)) throw new Status('Authorization failed');
    const last = (prod, cons) => this.ledger.filter((x) => x.producer === prod && x.consumer === cons).pop()?.eventId ?? '0';
    return { to_last_event_id: last(claims.iss, this.code), from_last_event_id: last(this.code, claims.iss) };
  }
  async healthcheck(code) { // AuthorityService.healthcheck for one authority
    const a = this.authorities.get(code);
    const jwt = this.jws(JSON.stringify({ iss: this.code, aud: code, exp: Math.floor(clockNow() / 1000) + 3600 }));
    const r = await fetch(`${a.publicApiUri}/healthcheck`, { headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' } });
    if (r.status !== 200) return { ok: false, problem: `${r.status} ${await r.text()}` };
    const remote = await r.json();
    const last = (prod, cons) => this.ledger.filter((x) => x.producer === prod && x.consumer === cons).pop()?.eventId ?? '0';
    let ok = true, problem = null;
    if (last(code, this.code) !== remote.from_last_event_id) { ok = false; problem = `Event sync problem from ${code} to ${this.code}`; }
    if (last(this.code, code) !== remote.to_last_event_id) { ok = false; problem = `Event sync problem from ${this.code} to ${code}`; }
    return { ok, problem, remote };
  }
}
