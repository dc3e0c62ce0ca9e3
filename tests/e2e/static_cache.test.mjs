// static_cache.test.mjs: the web UI's files over a slow link: gzip when the browser accepts
// it (and only then), an ETag made from the bytes, 304 on a matching If-None-Match, and the
// same file never compressed for a client that refuses gzip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/kapka.mjs';
import { useServer, withServer } from './lib.mjs';

const srv = useServer();

// Raw GET (fetch would decompress and hide Content-Encoding).
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('text files go gzip-compressed to a client that accepts gzip, plain to one that does not', async () => {
  const disk = readFileSync(join(ROOT, 'web', 'i18n', 'ky.json'));
  const z = await get(`${srv.k.url}/i18n/ky.json`, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(z.status, 200);
  assert.equal(z.headers['content-encoding'], 'gzip');
  assert.equal(z.headers.vary, 'Accept-Encoding');
  assert.ok(z.body.length < disk.length / 3, `${z.body.length} of ${disk.length}`);
  assert.deepEqual(gunzipSync(z.body), disk);
  for (const refuse of [undefined, 'identity', 'gzip;q=0', 'br', 'x-gzip-not']) {
    const p = await get(`${srv.k.url}/i18n/ky.json`, refuse === undefined ? {} : { 'accept-encoding': refuse });
    assert.equal(p.status, 200);
    assert.equal(p.headers['content-encoding'], undefined, `Accept-Encoding: ${refuse}`);
    assert.deepEqual(p.body, disk);
    assert.notEqual(p.headers.etag, z.headers.etag, 'each encoding has its own tag');
  }
});

test('ETag from the bytes: 304 on a match (weak, in a list, or *), 200 after a mismatch', async () => {
  const first = await get(`${srv.k.url}/js/app.js`, { 'accept-encoding': 'gzip' });
  assert.equal(first.status, 200);
  const tag = first.headers.etag;
  assert.match(tag, /^"[0-9a-f]{16}-gz"$/);
  assert.match(first.headers['cache-control'], /max-age=\d+/);
  for (const inm of [tag, `W/${tag}`, `"nope", ${tag}`, '*']) {
    const again = await get(`${srv.k.url}/js/app.js`, { 'accept-encoding': 'gzip', 'if-none-match': inm });
    assert.equal(again.status, 304, inm);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, tag);
  }
  const other = await get(`${srv.k.url}/js/app.js`, { 'accept-encoding': 'gzip', 'if-none-match': '"0000000000000000-gz"' });
  assert.equal(other.status, 200);
  assert.ok(other.body.length > 0);
  // a prefix of the tag is not the tag
  const prefix = await get(`${srv.k.url}/js/app.js`, { 'accept-encoding': 'gzip', 'if-none-match': tag.slice(0, 10) });
  assert.equal(prefix.status, 200);
  // the page itself is checked every time, the same way
  const html = await get(`${srv.k.url}/`, { 'accept-encoding': 'gzip' });
  assert.equal(html.headers['cache-control'], 'no-cache');
  const html2 = await get(`${srv.k.url}/`, { 'accept-encoding': 'gzip', 'if-none-match': html.headers.etag });
  assert.equal(html2.status, 304);
  // a missing file is still a JSON 404, never a 304
  const none = await get(`${srv.k.url}/js/nope.js`, { 'if-none-match': '*' });
  assert.equal(none.status, 404);
});

// The tag and the gzip bytes are worked out once per version of a file: an edited file (here
// the same size, so only its bytes and mtime differ) is answered with its new bytes and tag.
test('a file edited while the server runs is served new, with a new tag, plain and gzipped', async () => {
  const web = mkdtempSync(join(tmpdir(), 'kapka-web-'));
  const file = join(web, 'a.js');
  const version = (c) => `// ${c}\n` + `console.log(${JSON.stringify(c.repeat(1000))});\n`;
  try {
    writeFileSync(file, version('x'));
    await withServer({ env: { KAPKA_WEB_DIR: web } }, async (k) => {
      const z1 = await get(`${k.url}/a.js`, { 'accept-encoding': 'gzip' });
      const p1 = await get(`${k.url}/a.js`);
      assert.equal(z1.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(z1.body).toString(), version('x'));
      assert.equal(p1.body.toString(), version('x'));
      writeFileSync(file, version('y'));
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const z2 = await get(`${k.url}/a.js`, { 'accept-encoding': 'gzip', 'if-none-match': z1.headers.etag });
      assert.equal(z2.status, 200);
      assert.equal(gunzipSync(z2.body).toString(), version('y'));
      assert.notEqual(z2.headers.etag, z1.headers.etag);
      const p2 = await get(`${k.url}/a.js`, { 'if-none-match': p1.headers.etag });
      assert.equal(p2.status, 200);
      assert.equal(p2.body.toString(), version('y'));
      const again = await get(`${k.url}/a.js`, { 'accept-encoding': 'gzip', 'if-none-match': z2.headers.etag });
      assert.equal(again.status, 304);
    });
  } finally {
    rmSync(web, { recursive: true, force: true });
  }
});
