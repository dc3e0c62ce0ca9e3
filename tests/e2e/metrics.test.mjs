// metrics.test.mjs: GET /metrics in the Prometheus text format, checked by Prometheus's own
// parser and linter (promtool check metrics, Debian package prometheus), its numbers
// against what the API says, and who may read it (metrics_allow, metrics_token, behind
// trusted_proxies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { withServer, assertError } from './lib.mjs';

function promtool(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool (Debian package prometheus) did not run: ${r.error.message}`);
  return r;
}

// Parse the samples a promtool-approved text holds: name{labels} value.
function samples(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

// GET path with the given header lines, byte for byte (fetch would merge repeated headers).
function rawGet(port, path, lines) {
  return new Promise((res, rej) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${lines.join('\r\n')}\r\n\r\n`));
    let got = '';
    sock.on('data', (d) => (got += d));
    sock.on('end', () => res(Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1])));
    sock.on('error', rej);
  });
}

const find = (all, name, labels = {}) =>
  all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

test('the metrics parse with promtool and count what happened', async () => {
  await withServer({ demo: true, env: { KAPKA_METRICS_ALLOW: '127.0.0.1, ::1' } }, async (k) => {
    for (let i = 0; i < 5; i++) assert.equal((await k.req('GET', '/healthz')).status, 200);
    assertError(await k.req('GET', '/api/v1/permits/999999999'), 401);
    const r = await k.req('GET', '/metrics');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const check = promtool(r.text);
    assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
    assert.equal(check.stdout + check.stderr, '', 'promtool found lint problems');

    const all = samples(r.text);
    const healthz = find(all, 'kapka_http_requests_total', { route: '/healthz', method: 'GET', status: '200' });
    assert.equal(healthz.length, 1);
    assert.equal(healthz[0].value, 5);
    assert.equal(find(all, 'kapka_http_requests_total', { route: '/api/v1/permits/{id}', status: '401' })[0]?.value, 1);
    const count = find(all, 'kapka_http_request_duration_seconds_count', { route: '/healthz' });
    assert.equal(count[0].value, 5);
    const inf = find(all, 'kapka_http_request_duration_seconds_bucket', { route: '/healthz', le: '+Inf' });
    assert.equal(inf[0].value, 5);
    // Numbers the API also tells: the log's size, the pool.
    const log = await k.req('GET', '/log/checkpoint');
    if (log.status === 200) {
      const size = Number(log.text.split('\n')[1]);
      assert.equal(find(all, 'kapka_transparency_log_size')[0].value, size);
    }
    assert.ok(find(all, 'kapka_db_pool_connections')[0].value >= 1);
    assert.equal(find(all, 'kapka_db_up')[0].value, 1);
    // The demonstration has quotas; every one shows what is left.
    const quotas = find(all, 'kapka_quota_remaining');
    assert.ok(quotas.length > 0, 'no quota gauges');
    for (const q of quotas) assert.ok(q.value >= 0 && q.labels.verifier && q.labels.year, JSON.stringify(q));
    // The group-commit histogram is there even before a permit was issued.
    assert.equal(find(all, 'kapka_group_commit_batch_jobs_bucket', { le: '+Inf' }).length, 1);
  });
});

test('only the allowed addresses or the token read the metrics; the address is the one trusted proxies forward', async () => {
  await withServer({ env: { KAPKA_METRICS_ALLOW: '127.0.0.1, 198.51.100.7', KAPKA_TRUSTED_PROXIES: '127.0.0.1' } }, async (k) => {
    assert.equal((await k.req('GET', '/metrics')).status, 200);
    // Through the (trusted) proxy from an outside client: refused, whatever it claims further left.
    const outside = await k.req('GET', '/metrics', { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' } });
    assertError(outside, 403, 'metrics_forbidden');
    assert.doesNotMatch(outside.text, /kapka_/);
    // The same in two header lines, as HAProxy's forwardfor sends it: the last line counts.
    assert.equal(await rawGet(k.port, '/metrics', ['X-Forwarded-For: 198.51.100.7', 'X-Forwarded-For: 203.0.113.9']), 403);
    assert.equal(await rawGet(k.port, '/metrics', ['X-Forwarded-For: 203.0.113.9', 'X-Forwarded-For: 198.51.100.7']), 200);
  });
  await withServer({ env: { KAPKA_METRICS_ALLOW: '10.0.0.0/8' } }, async (k) => {
    assertError(await k.req('GET', '/metrics'), 403, 'metrics_forbidden');
  });
  await withServer({ env: { KAPKA_METRICS_TOKEN: 'scrape-token-0123456789' } }, async (k) => {
    assertError(await k.req('GET', '/metrics'), 403, 'metrics_forbidden');
    assertError(await k.req('GET', '/metrics', { token: 'scrape-token-wrong' }), 403, 'metrics_forbidden');
    const r = await k.req('GET', '/metrics', { token: 'scrape-token-0123456789' });
    assert.equal(r.status, 200);
    assert.equal(promtool(r.text).status, 0);
  });
});

test('a metrics_allow that is not a list of addresses stops the start with the reason', async () => {
  await assert.rejects(withServer({ env: { KAPKA_METRICS_ALLOW: 'localhost' } }, async () => {}), /metrics_allow/);
});
