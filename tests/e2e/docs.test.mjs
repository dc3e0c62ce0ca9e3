// docs.test.mjs: the documents stay true to the code: README.md lists every subcommand
// `kapka --help` names, and web/README.md covers every page module and every script.
// (docs/configuration.md is held to the settings table by tests/unit/core/test_config.c.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ROOT, runKapka } from '../lib/kapka.mjs';

test('README.md lists every subcommand of kapka --help', async () => {
  const r = await runKapka(['--help']);
  assert.equal(r.code, 0, r.stderr);
  const block = r.stdout.split('commands:\n')[1].split('\n\n')[0];
  const commands = block.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
  assert.ok(commands.length >= 8, `too few commands read from --help: ${commands}`);
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const missing = commands.filter((c) => !readme.includes('`kapka ' + c));
  assert.deepEqual(missing, [], 'README.md does not list these subcommands');
});

test('web/README.md covers every page and every script', () => {
  const doc = readFileSync(`${ROOT}/web/README.md`, 'utf8');
  const pages = readdirSync(`${ROOT}/web/js/pages`).filter((f) => f.endsWith('.js') && f !== 'index.js');
  const scripts = readdirSync(`${ROOT}/web/js`).filter((f) => f.endsWith('.js'));
  const missing = [
    ...pages.filter((f) => !doc.includes('`' + f.replace(/\.js$/, '') + '`')).map((f) => `page ${f}`),
    ...scripts.filter((f) => !doc.includes('`js/' + f + '`')).map((f) => `script js/${f}`),
  ];
  assert.deepEqual(missing, [], 'web/README.md does not mention these');
});
