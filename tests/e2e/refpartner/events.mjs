// events.mjs: the reference's event classes (e-permit-java R/ledgerevents/*/…LedgerEvent.java
// and LedgerEventBase.java) as data: each field's Java type and bean validation, in the
// order Gson writes them (the class's own fields, then the base class's), the @AssertTrue
// rules, Jackson's binding of a request body into them and Hibernate Validator's messages.
import { JDouble, gson } from './java.mjs';
// The partner lives on the suite's timeline (tests/run.sh's KAPKA_TEST_CLOCK), as kapka does.
import { clockNow } from '../../lib/kapka.mjs';

export const PERMIT_ID_FORMAT = /^[A-Z]+-[A-Z]+-\d{4}-[0-9]+-[0-9]+$/; // R/commons/Constants
export const DATE_FORMAT = /^(0?[1-9]|[12][0-9]|3[01])[/](0?[1-9]|1[012])[/]\d{4}$/;
const PERMIT_ID_SRC = '^[A-Z]+-[A-Z]+-\\d{4}-[0-9]+-[0-9]+$';
const DATE_SRC = '^(0?[1-9]|[12][0-9]|3[01])[/](0?[1-9]|1[012])[/]\\d{4}$';

// [java property, type, annotations]; types: String, Integer, int, Long, enum:<values>, Map
const BASE = [
  ['eventProducer', 'String', { notNull: true }],
  ['eventConsumer', 'String', { notNull: true }],
  ['eventTimestamp', 'Long', { notNull: true, min: 1609459200 }],
  ['eventType', 'enum:PERMIT_CREATED,PERMIT_USED,PERMIT_REVOKED,QUOTA_CREATED,KEY_CREATED,KEY_REVOKED', { notNull: true }],
  ['eventId', 'String', { notNull: true, size: [16, 100] }],
  ['previousEventId', 'String', { notNull: true, size: [1, 100] }],
];

export const CLASSES = {
  QUOTA_CREATED: [
    ['permitIssuer', 'String', { notNull: true }],
    ['permitIssuedFor', 'String', { notNull: true }],
    ['permitYear', 'int', { notNull: true, min: 2021 }],
    ['permitType', 'Integer', { notNull: true }],
    ['quantity', 'Long', { notNull: true, min: 1 }],
  ],
  PERMIT_CREATED: [
    ['permitId', 'String', { notNull: true, pattern: [PERMIT_ID_FORMAT, PERMIT_ID_SRC] }],
    ['permitType', 'Integer', { notNull: true }],
    ['permitIssuer', 'String', { notNull: true }],
    ['permitIssuedFor', 'String', { notNull: true }],
    ['permitYear', 'int', { notNull: true, min: 2021 }],
    ['issuedAt', 'String', { notNull: true, pattern: [DATE_FORMAT, DATE_SRC] }],
    ['expiresAt', 'String', { notNull: true, pattern: [DATE_FORMAT, DATE_SRC] }],
    ['plateNumber', 'String', {}],
    ['plateNumber2', 'String', {}],
    ['companyName', 'String', { notNull: true }],
    ['companyId', 'String', { notNull: true }],
    ['departureCountry', 'String', { notNull: true }],
    ['arrivalCountry', 'String', { notNull: true }],
    ['qrCode', 'String', { notNull: true }],
    ['otherClaims', 'Map', {}],
  ],
  PERMIT_REVOKED: [
    ['permitId', 'String', { notNull: true, pattern: [PERMIT_ID_FORMAT, PERMIT_ID_SRC] }],
    ['revokedAt', 'Long', { notNull: true }],
  ],
  PERMIT_USED: [
    ['permitId', 'String', { notNull: true, pattern: [PERMIT_ID_FORMAT, PERMIT_ID_SRC] }],
    ['activityType', 'enum:ENTRANCE,EXIT', { notNull: true }],
    ['activityTimestamp', 'Long', { notNull: true, min: 1609459200 }],
    ['activityDetails', 'String', {}],
  ],
  KEY_CREATED: [
    ['authority', 'String', { notNull: true }],
    ['kid', 'String', { notNull: true }],
    ['jwk', 'String', { notNull: true }],
  ],
  KEY_REVOKED: [
    ['authority', 'String', { notNull: true }],
    ['keyId', 'String', { notNull: true }],
    ['revokedAt', 'Long', { notNull: true }],
  ],
};
export const PATHS = { 'quota-created': 'QUOTA_CREATED', 'permit-created': 'PERMIT_CREATED', 'permit-revoked': 'PERMIT_REVOKED',
  'permit-used': 'PERMIT_USED', 'key-created': 'KEY_CREATED', 'key-revoked': 'KEY_REVOKED' };
export const pathOf = (type) => Object.keys(PATHS).find((k) => PATHS[k] === type);

// Gson's LOWER_CASE_WITH_UNDERSCORES (Jackson's SNAKE_CASE gives the same for these names).
export const snake = (p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const fieldsOf = (type) => [...CLASSES[type], ...BASE];

export class BindError extends Error {}

// The constructor's defaults (LedgerEventBase): a random id, now, the class's type.
function constructed(type) {
  return { eventId: crypto.randomUUID(), eventTimestamp: BigInt(Math.floor(clockNow() / 1000)), eventType: type };
}

function coerce(v, jtype, prop) {
  if (v === null) return jtype === 'int' ? 0n : null;
  if (jtype === 'String') {
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    if (v instanceof JDouble) return String(v.v);
    throw new BindError(`Cannot deserialize value of type String for ${prop}`);
  }
  if (jtype === 'int' || jtype === 'Integer' || jtype === 'Long') {
    let n;
    if (typeof v === 'bigint') n = v;
    else if (v instanceof JDouble) n = BigInt(Math.trunc(v.v)); // ACCEPT_FLOAT_AS_INT
    else if (typeof v === 'string' && /^-?\d+$/.test(v)) n = BigInt(v);
    else throw new BindError(`Cannot deserialize value of type ${jtype} for ${prop}`);
    const max = jtype === 'Long' ? 2n ** 63n : 2n ** 31n;
    if (n >= max || n < -max) throw new BindError(`Numeric value out of range for ${prop}`);
    return n;
  }
  if (jtype.startsWith('enum:')) {
    if (typeof v === 'string' && jtype.slice(5).split(',').includes(v)) return v;
    throw new BindError(`Cannot deserialize value of type enum for ${prop}`);
  }
  if (jtype === 'Map') {
    if (v instanceof Map) return v;
    throw new BindError(`Cannot deserialize value of type Map for ${prop}`);
  }
  throw new Error(jtype);
}

// Jackson's binding of a parsed body (a Map) into the class of type: unknown properties
// ignored, absent ones keep the constructor's values. Throws BindError (the reference's
// catch-all answers 500).
export function bind(type, body) {
  if (!(body instanceof Map)) throw new BindError('not an object');
  const o = { ...constructed(type) };
  for (const [prop, jtype] of fieldsOf(type)) {
    const key = snake(prop);
    if (body.has(key)) o[prop] = coerce(body.get(key), jtype, prop);
    else if (jtype === 'int' && o[prop] === undefined) o[prop] = 0n;
  }
  return o;
}

// Gson's text of an event object of this type (what is signed and verified).
export function gsonOf(type, o) {
  const m = new Map();
  for (const [prop] of fieldsOf(type)) if (o[prop] !== undefined && o[prop] !== null) m.set(snake(prop), o[prop]);
  return gson(m);
}

function parseDate(s) { // LocalDate.parse(s, "dd/MM/yyyy"), SMART resolver
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  if (!m) throw new Error(`Text '${s}' could not be parsed`);
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) throw new Error(`Text '${s}' could not be parsed`);
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return Date.UTC(y, mo - 1, Math.min(d, last));
}

// Bean validation: {javaProperty: message} (the reference's HashMap keeps the last per
// field), or throws (an @AssertTrue method that throws is a 500 in the reference).
export function validate(type, o) {
  const details = {};
  for (const [prop, , a] of fieldsOf(type)) {
    const v = o[prop];
    if (v === null || v === undefined) { if (a.notNull) details[prop] = 'must not be null'; continue; }
    if (a.min !== undefined && BigInt(v) < BigInt(a.min)) details[prop] = `must be greater than or equal to ${a.min}`;
    if (a.size && (v.length < a.size[0] || v.length > a.size[1])) details[prop] = `size must be between ${a.size[0]} and ${a.size[1]}`;
    if (a.pattern && !a.pattern[0].test(v)) details[prop] = `must match "${a.pattern[1]}"`;
  }
  if (type === 'PERMIT_CREATED') {
    const today = Date.UTC(new Date(clockNow()).getUTCFullYear(), new Date(clockNow()).getUTCMonth(), new Date(clockNow()).getUTCDate());
    const iat = parseDate(o.issuedAt);
    if (!(iat <= today)) details.validIssuedAt = 'Invalid issued_at';
    if (!(iat < parseDate(o.expiresAt))) details.validExpiresAt = 'Invalid expires_at';
    if (o.eventProducer !== o.permitIssuer || o.eventConsumer !== o.permitIssuedFor) details.valid = 'Invalid permit issuer or issued_for';
  }
  if (type === 'QUOTA_CREATED' && (o.eventProducer !== o.permitIssuedFor || o.eventConsumer !== o.permitIssuer)) {
    details.valid = 'Invalid permit issuer or issued_for';
  }
  return details;
}
