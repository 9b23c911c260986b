/**
 * The public API does not change by accident: the names src/index.ts exports and their kinds
 * equal the snapshot in public-api.json. A deliberate change updates the snapshot in the same
 * commit (`H5TRAJ_UPDATE_API=1` rewrites it) and says why in the commit message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h5traj from '../../src/index.js';
import { publicApi } from './public-api.js';

const SNAPSHOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public-api.json');

test('the exported names and kinds equal the snapshot', () => {
  const api = publicApi();
  if (process.env.H5TRAJ_UPDATE_API === '1') fs.writeFileSync(SNAPSHOT, `${JSON.stringify(api, null, 2)}\n`);
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, string>;
  const added = Object.keys(api).filter((n) => !(n in snapshot));
  const removed = Object.keys(snapshot).filter((n) => !(n in api));
  const changed = Object.keys(api).filter((n) => n in snapshot && snapshot[n] !== api[n]);
  assert.equal({ added, removed, changed }, { added: [], removed: [], changed: [] });
});

test('every exported value the snapshot lists exists at run time', () => {
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as Record<string, string>;
  const values = Object.entries(snapshot).filter(([, kind]) => kind === 'class' || kind === 'function' || kind === 'constant');
  const missing = values.filter(([name]) => !(name in h5traj)).map(([name]) => name);
  assert.equal(missing, []);
  for (const [name, kind] of values) {
    const v = (h5traj as Record<string, unknown>)[name];
    if (kind === 'class' || kind === 'function') assert.type(v, 'function', `${name} is a ${kind}`);
  }
});

test.run();
