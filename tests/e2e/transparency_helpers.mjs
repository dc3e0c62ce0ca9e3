// transparency_helpers.mjs: what the transparency-log tests share.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export * from './permits_helpers.test.mjs';
export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
