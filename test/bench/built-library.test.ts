/**
 * `npm run bench` measures h5traj as a user runs it: the measuring child (scripts/bench/measure.mjs)
 * imports the built library (dist/), with no TypeScript loader in the process (running the sources
 * needed one, which added ~50 MB to every peak); and a dist/ missing or older than src/ is refused
 * with a message rather than measured. The scripts are run as children (tests never import scripts/);
 * needs `npm run build` first, as the CLI tests do.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../helpers.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const BENCH = fileURLToPath(new URL('../../scripts/bench.ts', import.meta.url));
const dir = tempDir('h5traj-built-bench-');

/** `npm run bench -- ARGS` of the bench script at `script`: exit code, last JSON line, stderr. */
function bench(args: string[], script = BENCH): { code: number | null; line: Record<string, unknown> | undefined; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', LOADER, script, ...args, '--reps', '1', '--dir', dir], { encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  return { code: r.status, line: last === undefined ? undefined : (JSON.parse(last) as Record<string, unknown>), stderr: r.stderr };
}

test('W1, W2 and W1env are measured in a process without the TypeScript loader (the built library)', () => {
  for (const workload of ['W1', 'W2', 'W1env']) {
    const { code, line, stderr } = bench(['--workload', workload, '--n', '1000']);
    assert.is(code, 0, stderr);
    assert.is(line?.workload, workload);
    assert.is(line?.ts_loader, false, `${workload} ran with the TypeScript loader: ${JSON.stringify(line)}`);
    if (workload === 'W2') assert.is(line?.correct, true, JSON.stringify(line));
    else assert.ok((line?.file_bytes as number) > 1000 * 800, JSON.stringify(line));
  }
});

test('the bench refuses a missing dist/ and a dist/ older than src/, naming the newer file', () => {
  // A checkout of its own: scripts/bench.ts finds src/ and dist/ beside its folder.
  const root = tempDir('h5traj-stale-bench-');
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'src', 'trajectory'), { recursive: true });
  const script = join(root, 'scripts', 'bench.ts');
  copyFileSync(BENCH, script);
  writeFileSync(join(root, 'src', 'trajectory', 'runs.ts'), 'export {};\n');
  const missing = bench(['--workload', 'W2', '--n', '1000'], script);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /dist\/index\.js is missing: the benchmark measures the built library, so run npm run build first\./);

  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'index.js'), 'export {};\n');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(root, 'dist', 'index.js'), hourAgo, hourAgo);
  for (const dirPath of [join(root, 'src'), join(root, 'src', 'trajectory')]) utimesSync(dirPath, hourAgo, hourAgo);
  const stale = bench(['--workload', 'W2', '--n', '1000'], script);
  assert.is(stale.code, 2);
  assert.match(stale.stderr, /dist\/index\.js is older than src\/trajectory\/runs\.ts: the benchmark measures the built library/);
});

test.run();
