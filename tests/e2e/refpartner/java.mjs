// java.mjs: the Java side of the reference's JSON handling, written from e-permit-java's
// source and the libraries it uses, independently of kapka's code:
// - parse(): JSON text to values as Jackson binds them into Map<String, Object>: objects
//   keep their order (LinkedHashMap), integers stay integers (BigInt), numbers with a
//   fraction or exponent are Java doubles (JDouble).
// - gson(): Gson's writer (JsonWriter with htmlSafe, serializeNulls off): the bytes the
//   reference signs and verifies (R/commons/GsonUtil, R/utils/JwsUtil).
// - jackson(): Jackson's writer, which the reference's RestTemplate uses for the body it sends.

export class JDouble {
  constructor(v) { this.v = v; }
}

export function parse(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (m) => { throw new SyntaxError(`${m} at ${i}`); };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const m = new Map(); ws();
      if (text[i] === '}') { i++; return m; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('key expected');
        const k = str(); ws(); if (text[i++] !== ':') fail('colon expected');
        m.set(k, value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return m; }
        fail('object');
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        fail('array');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('value expected');
    i += m[0].length;
    return m[2] || m[3] ? new JDouble(Number(m[0])) : BigInt(m[0]);
  }
  function str() {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') { if (text[i] === '\\') i++; i++; }
    i++;
    return JSON.parse(text.slice(start, i));
  }
  const v = value(); ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

// Java's Double.toString (JDK 19+): shortest digits that read back; with one digit, the
// closest of one or two digits; plain between 1e-3 and 1e7, else d.dddE±n.
export function javaDouble(d) {
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  let e = d.toExponential(); // shortest round-trip in JS
  let [mant, exp] = e.split('e');
  if (!mant.includes('.')) [mant, exp] = d.toExponential(1).split('e');
  const neg = mant.startsWith('-');
  let digits = mant.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const x = Number(exp);
  const a = Math.abs(d);
  let out;
  if (a >= 1e-3 && a < 1e7) {
    if (x >= 0) {
      const int = digits.slice(0, x + 1).padEnd(x + 1, '0');
      const frac = digits.slice(x + 1) || '0';
      out = `${int}.${frac}`;
    } else out = `0.${'0'.repeat(-x - 1)}${digits}`;
  } else out = `${digits[0]}.${digits.slice(1) || '0'}E${x}`;
  return (neg ? '-' : '') + out;
}

const HTML_SAFE = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '=': '\\u003d', "'": '\\u0027' };
const SHORT = { '"': '\\"', '\\': '\\\\', '\t': '\\t', '\b': '\\b', '\n': '\\n', '\r': '\\r', '\f': '\\f' };

function gsonString(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (SHORT[ch]) out += SHORT[ch];
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (HTML_SAFE[ch]) out += HTML_SAFE[ch];
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

function jacksonString(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (SHORT[ch]) out += SHORT[ch];
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function write(v, str) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDouble(v);
  if (v instanceof JDouble) return javaDouble(v.v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => write(x, str)).join(',')}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  // Map values that are null are left out (serializeNulls is off)
  return `{${entries.filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => `${str(k)}:${write(x, str)}`).join(',')}}`;
}

// Gson's text of a value (objects: in their order, null members left out).
export const gson = (v) => write(v, gsonString);
// Jackson's text of a value (what the reference's RestTemplate posts).
export const jackson = (v) => write(v, jacksonString);
