/**
 * docs/structure.md, the newcomer's map, names every folder of src/ and the top-level folders
 * beside it, so a folder added without a line there is noticed; the README points to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const map = fs.readFileSync(path.join(ROOT, 'docs/structure.md'), 'utf8');

/** Every folder below `dir` (relative to the repository, with a trailing slash). */
function folders(dir: string): string[] {
  const out = [`${dir}/`];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) if (e.isDirectory()) out.push(...folders(`${dir}/${e.name}`));
  return out;
}

test('every folder of src/ has its line in docs/structure.md', () => {
  const missing = folders('src').filter((f) => !map.includes(`| \`${f}\``));
  assert.equal(missing, [], `folders without a line in docs/structure.md: ${missing.join(', ')}`);
});

test('every module the map names in a folder\'s line exists there', () => {
  const stale: string[] = [];
  for (const row of map.split('\n')) {
    const cells = row.split('|').map((c) => c.trim());
    const folder = /^`(src\/[\w/-]*\/)`/.exec(cells[1] ?? '')?.[1];
    if (!folder) continue;
    for (const [, name] of (cells[2] ?? '').matchAll(/`([\w-]+\.ts)`/g)) {
      if (!fs.existsSync(path.join(ROOT, folder, name!))) stale.push(`${folder}${name}`);
    }
  }
  assert.equal(stale, [], `docs/structure.md names modules that are not there: ${stale.join(', ')}`);
});

test('test/, scripts/, docs/ and data/ have their lines, and the README points to the map', () => {
  for (const f of ['test/', 'scripts/', 'docs/', 'data/']) assert.ok(map.includes(`| \`${f}\``), `${f} has a line`);
  assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /\[docs\/structure\.md\]\(docs\/structure\.md\)/);
});

test.run();
