#!/usr/bin/env node
// update.mjs: copy the third-party code the web UI uses (the QR reader jsQR and the map
// library Leaflet, from npm) out of node_modules into web/vendor/, so the UI needs no build
// step and no CDN. Run after `npm install` or an upgrade of jsqr or leaflet:
//   node web/vendor/update.mjs          # copy
//   node web/vendor/update.mjs --check  # exit 1 when web/vendor differs from node_modules
// The files are copied unchanged.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const PKG = join(ROOT, 'node_modules', 'jsqr');
const LEAFLET = join(ROOT, 'node_modules', 'leaflet');

export const FILES = [
  { from: join(PKG, 'dist', 'jsQR.js'), to: join(HERE, 'jsQR.js') },
  { from: join(PKG, 'LICENSE'), to: join(HERE, 'jsQR.LICENSE.txt') },
  { from: join(LEAFLET, 'dist', 'leaflet-src.esm.js'), to: join(HERE, 'leaflet.esm.js') },
  { from: join(LEAFLET, 'dist', 'leaflet.css'), to: join(HERE, 'leaflet.css') },
  { from: join(LEAFLET, 'LICENSE'), to: join(HERE, 'leaflet.LICENSE.txt') },
];

// What web/vendor/ should hold, from node_modules; null when the package is not installed.
export function expected() {
  if (!FILES.every((f) => existsSync(f.from))) return null;
  const version = [PKG, LEAFLET].map((p) => JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')))
    .map((j) => `${j.name} ${j.version}`).join(', ');
  return { version, files: FILES.map((f) => ({ to: f.to, text: readFileSync(f.from, 'utf8') })) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const want = expected();
  if (!want) {
    console.error('update.mjs: node_modules/jsqr or node_modules/leaflet is missing; run npm install first');
    process.exit(1);
  }
  const check = process.argv.includes('--check');
  let differs = false;
  for (const f of want.files) {
    const have = existsSync(f.to) ? readFileSync(f.to, 'utf8') : null;
    if (have === f.text) continue;
    differs = true;
    if (!check) writeFileSync(f.to, f.text);
    console.log(`${check ? 'differs' : 'updated'}: ${f.to}`);
  }
  console.log(`${want.version}: ${differs ? (check ? 'web/vendor is out of date' : 'copied') : 'web/vendor is up to date'}`);
  process.exit(check && differs ? 1 : 0);
}
