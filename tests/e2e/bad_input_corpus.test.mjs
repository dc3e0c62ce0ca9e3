// bad_input_corpus.test.mjs: a corpus of bad input over every write route (generated from
// the route table as GET /api/v1/openapi.json serves it), sent by a role the route allows:
// malformed and non-object JSON, bodies that are not JSON, duplicate keys, deep nesting,
// invalid UTF-8, NUL and lone surrogates, and for every documented body field the wrong
// type, a huge string, a negative number and a NUL. Every answer is a 4xx with the JSON
// error body, and the audit log (every state change writes its row in the same
// transaction) shows that nothing was stored. Run on both databases like every e2e file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, DEMO_PASSWORD, ADMIN_PASSWORD } from './permits_helpers.test.mjs';

// Never sent even bad bodies: a valid JSON array reaches their handlers, which take no body.
const SKIP = new Set(['DELETE /api/v1/session', 'POST /api/v1/keys']);

// [name, body, bad even for a route that takes no body]
const RAW = [
  ['empty', '', false], ['truncated', '{', true], ['array', '[]', false], ['string', '"x"', false], ['null', 'null', false],
  ['number', '1e400', true], ['duplicate key', '{"a":1,"a":2}', true], ['deep', '['.repeat(20000) + ']'.repeat(20000), true],
  ['invalid utf-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), true],
  ['trailing garbage', '{} x', true], ['lone surrogate', '{"a":"\\ud800"}', true],
];

function writeOps(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method) || !path.startsWith('/api/')) continue;
      let schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema?.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
      const props = Object.entries(schema?.properties || {}).map(([name, p]) => [name, [].concat(p.type || [])]);
      ops.push({ method: method.toUpperCase(), path, roles: op['x-kapka-roles'] || [], body: !!op.requestBody?.required, props });
    }
  }
  return ops;
}

const jsonType = (v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v);

// Values of another JSON type than the field's, and for strings a huge one and a NUL.
function badFieldValues(types) {
  if (types.length === 0) return [];
  const fits = (t) => types.includes(t) || (t === 'integer' && types.includes('number'));
  const out = [{}, [1], true, 3.5, 'text'].filter((v) => !fits(jsonType(v)));
  if (types.includes('string')) out.push('x'.repeat(70000), 'a\u0000b');
  if (types.includes('integer')) out.push(3.5, 1e30);
  return out;
}

test('bad input on every write route: 4xx with the JSON error, nothing stored', async () => {
  await withServer({ demo: true }, async (k) => {
    const ops = writeOps((await k.req('GET', '/api/v1/openapi.json')).json);
    const tok = {};
    for (const name of ['carrier', 'traveller', 'officer', 'ministry', 'auditor']) tok[name] = await k.login(name, DEMO_PASSWORD);
    tok.admin = await k.login('admin', ADMIN_PASSWORD);
    const auditHead = async () => (await k.req('GET', '/api/v1/audit?limit=1', { token: tok.admin })).json.items[0]?.id ?? 0;
    const problems = [];
    let sent = 0;
    for (const op of ops) {
      if (SKIP.has(`${op.method} ${op.path}`)) continue;
      const role = op.roles.find((r) => tok[r]);
      const token = role ? tok[role] : undefined;
      const path = op.path.replace(/\{[^}]+\}/g, op.path.includes('/checkpoints/') ? 'dostyk' : '1');
      const before = await auditHead();
      const bodies = RAW.filter(([, , always]) => always || op.body).map(([name, raw]) => [name, raw, 'application/json']);
      bodies.push(['text/plain', '{}', 'text/plain']);
      for (const [f, types] of op.props) for (const v of badFieldValues(types)) bodies.push([`${f}=${JSON.stringify(v).slice(0, 20)}`, JSON.stringify({ [f]: v }), 'application/json']);
      for (const [name, raw, type] of bodies) {
        const headers = { 'content-type': type };
        if (token) headers.authorization = `Bearer ${token}`;
        const r = await k.req(op.method, path, { raw, headers });
        sent += 1;
        const json = (r.headers.get('content-type') || '').startsWith('application/json') && r.json?.error?.code;
        if (r.status < 400 || r.status > 499 || !json) problems.push(`${op.method} ${path} [${name}] as ${role}: ${r.status} ${r.text.slice(0, 120)}`);
      }
      const after = await auditHead();
      if (after !== before) problems.push(`${op.method} ${path}: the audit log moved from ${before} to ${after}`);
    }
    assert.deepEqual(problems, [], problems.slice(0, 40).join('\n'));
    console.log(`# bad input: ${sent} requests over ${ops.length} write operations, all 4xx JSON, nothing stored`);
  });
});
