/**
 * The benchmark's Python peers (scripts/bench/w_data.py, w1_h5py.py, w2_h5py.py, w1_pypet.py,
 * w2_pypet.py) measure the same work as h5traj's: w_data.py gives the numbers data.mjs gives
 * (U[k] and each run's grid values), the raw h5py floor stores exactly the values h5traj stores,
 * W2's check notices a wrong `a`, and `npm run bench -- --impl …` prints each peer's figures in
 * measure.mjs's JSON shape. The scripts are run as child processes (tests never import scripts/).
 * Needs /usr/bin/python3 with h5py (CI installs python3-h5py; without it these tests fail and
 * say so, as test/storage/hdf5/h5py-compat.test.ts does); the pypet checks run only where pypet
 * 0.7 imports (see test/pypet-examples/pypet-view.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Trajectory } from '../../src/index.js';
import { NDArray } from '../../src/values/ndarray.js';
import { inTempDir, pythonProblem } from '../helpers.js';
import { PYTHON, pypetEnv, pypetTest, run } from '../pypet-examples/pypet-view.js';

const LOADER = fileURLToPath(new URL('../../scripts/loader/register.mjs', import.meta.url));
const BENCH = fileURLToPath(new URL('../../scripts/bench.ts', import.meta.url));
const DATA = fileURLToPath(new URL('../../scripts/bench/data.mjs', import.meta.url));
const W_DATA = fileURLToPath(new URL('../../scripts/bench/w_data.py', import.meta.url));
const DIST_INDEX = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** `npm run bench -- ARGS`, its exit code, its JSON lines and stderr. */
async function bench(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const r = await run(process.execPath, ['--import', LOADER, BENCH, ...args], pypetEnv());
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.code, lines, stderr: r.stderr };
}

/** The fields every measurement prints, whoever measured it. */
function assertShape(line: Record<string, unknown>, impl: string, workload: string, n: number, timings: string[]): void {
  assert.is(line.impl, impl);
  assert.is(line.workload, workload);
  assert.is(line.n, n);
  assert.is(line.reps, 1);
  for (const t of timings) assert.ok(typeof line[t] === 'number' && (line[t] as number) > 0, `${impl} ${workload} prints ${t}: ${JSON.stringify(line)}`);
  assert.ok(typeof line.max_rss_mb === 'number' && line.max_rss_mb > 10, `max_rss_mb: ${JSON.stringify(line)}`);
  assert.type(line.load_avg_1m, 'number');
  assert.equal((line.runs as Record<string, number>[]).length, 1);
}

test('python3-h5py is installed (the raw h5py floor of the benchmark needs it)', () => {
  const problem = pythonProblem('import h5py, numpy');
  assert.ok(problem === '', `${problem}\ninstall it with: apt-get install -y python3-h5py`);
});

test('w_data.py gives the numbers of data.mjs: U[0..4] and the grid values of runs at both grid sizes', async () => {
  for (const [n, runs] of [[1000, [0, 1, 24, 25, 249, 250, 999]], [10000, [0, 1, 99, 100, 2499, 2500, 9999]]] as const) {
    const py = await run(PYTHON, [W_DATA, String(n), ...runs.map(String)], process.env);
    assert.is(py.code, 0, py.stderr);
    const fromPython = JSON.parse(py.stdout) as { u: number[]; runs: [number, number, string][]; grid_tail: unknown[][] };
    // data.mjs in a child process, through the built public API it explores with (as measured).
    const js = await run(process.execPath, ['--input-type=module', '-e', `
      const { uniform, w1Parameters } = await import(${JSON.stringify(DATA)});
      const { Trajectory } = await import(${JSON.stringify(DIST_INDEX)});
      const traj = new Trajectory('W1', { add_time: false });
      w1Parameters(traj, ${n});
      const [x, y, mode] = ['x', 'y', 'mode'].map((p) => traj.f_get(p).f_get_range());
      const runs = ${JSON.stringify(runs)}.map((i) => [x[i], Number(y[i]), mode[i]]);
      console.log(JSON.stringify({ u: [...uniform(5)], runs, length: x.length }));
    `], process.env);
    assert.is(js.code, 0, js.stderr);
    const fromTs = JSON.parse(js.stdout) as { u: number[]; runs: [number, number, string][]; length: number };
    assert.equal(fromPython.u, fromTs.u);
    assert.is(fromPython.u[0], 87628868 / 2 ** 32, 'U[0] = s1 / 2^32 with s1 = 87628868 (WORKLOADS.md)');
    assert.equal(fromPython.runs, fromTs.runs, `grid of n = ${n}`);
    assert.is(fromTs.length, n);
  }
});

test('w_data.py refuses an n that does not fit the grid, naming it', async () => {
  const r = await run(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(W_DATA, '..'))}); import w_data; w_data.grid_shape(1234)`], process.env);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /n = 1234 does not fit the W1 grid: it must be a positive multiple of 100/);
});

test('the raw h5py floor and h5traj store the same numbers in W1, and both W2 read them back correctly', async () => {
  await inTempDir('bench-peers', async (dir) => {
    const n = 1000;
    const w1 = await bench(['--workload', 'W1', '--n', String(n), '--impl', 'h5py', '--reps', '1', '--dir', dir]);
    assert.is(w1.code, 0, w1.stderr);
    assertShape(w1.lines[0]!, 'h5py', 'W1', n, ['store_s']);
    assert.ok((w1.lines[0]!.file_bytes as number) > n * 800, 'the file holds 100 floats per run');
    const mine = await bench(['--workload', 'W1', '--n', String(n), '--reps', '1', '--dir', dir]);
    assert.is(mine.code, 0, mine.stderr);
    assertShape(mine.lines[0]!, 'h5traj', 'W1', n, ['store_s']);

    // Every run's a, b, c and arr, as h5py reads them from the floor's file (JSON keeps doubles exact).
    const dump = await run(PYTHON, ['-c', `
import h5py, json, sys
with h5py.File(sys.argv[1], 'r') as f:
    runs = f['runs']
    print(json.dumps([[float(runs[k]['a'][()]), float(runs[k]['b'][()]), float(runs[k]['c'][()]), runs[k]['arr'][()].tolist(), int(runs[k].attrs['completed'])] for k in sorted(runs)]))
`, join(dir, `h5py-bench-W1-${n}.hdf5`)], process.env);
    assert.is(dump.code, 0, dump.stderr);
    const floor = JSON.parse(dump.stdout) as [number, number, number, number[], number][];
    assert.is(floor.length, n);
    const traj = new Trajectory('W1', { add_time: false, filename: join(dir, `h5traj-bench-W1-${n}.hdf5`) });
    traj.f_load({ load_parameters: 2, load_results: 2 });
    const stored = [...traj.f_get_from_runs('out').values()].map((r) => {
      const arr = r.f_get('arr') as NDArray;
      return [r.f_get('a'), r.f_get('b'), r.f_get('c'), [...(arr.data as Float64Array)], 1];
    });
    assert.equal(stored, floor);

    for (const impl of ['h5py', 'h5traj']) {
      const w2 = await bench(['--workload', 'W2', '--n', String(n), '--impl', impl, '--reps', '1', '--dir', dir]);
      assert.is(w2.code, 0, w2.stderr);
      assertShape(w2.lines[0]!, impl, 'W2', n, ['open_skeleton_s', 'collect_s', 'total_s']);
      assert.is(w2.lines[0]!.correct, true, `${impl} W2 collects a = x*y`);
    }
  });
});

test("the h5py floor's W2 reports correct: false when one run's `a` is not x*y", async () => {
  await inTempDir('bench-peers', async (dir) => {
    const n = 1000;
    const w1 = await bench(['--workload', 'W1', '--n', String(n), '--impl', 'h5py', '--reps', '1', '--dir', dir]);
    assert.is(w1.code, 0, w1.stderr);
    const spoil = await run(PYTHON, ['-c', "import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f: f['runs/run_00000500/a'][()] = -1.0", join(dir, `h5py-bench-W1-${n}.hdf5`)], process.env);
    assert.is(spoil.code, 0, spoil.stderr);
    const w2 = await bench(['--workload', 'W2', '--n', String(n), '--impl', 'h5py', '--reps', '1', '--dir', dir]);
    assert.is(w2.code, 0, w2.stderr);
    assert.is(w2.lines[0]!.correct, false);
  });
});

test('bench --impl names what it does not know or what an implementation lacks, and exits 2', async () => {
  const unknown = await bench(['--workload', 'W1', '--impl', 'zarr', '--reps', '1']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown --impl zarr; use h5traj, h5py, pypet or all/);
  const lacking = await bench(['--workload', 'W3', '--impl', 'pypet', '--reps', '1']);
  assert.is(lacking.code, 2);
  assert.match(lacking.stderr, /--impl pypet has no W3; it has W1, W2/);
});

pypetTest('pypet 0.7 through its Environment: bench --impl pypet runs W1 and W2 (40 runs) and W2 collects a = x*y', async () => {
  await inTempDir('bench-pypet', async (dir) => {
    const w1 = await bench(['--workload', 'W1', '--n', '40', '--impl', 'pypet', '--reps', '1', '--dir', dir]);
    assert.is(w1.code, 0, w1.stderr);
    assertShape(w1.lines[0]!, 'pypet', 'W1', 40, ['store_s']);
    assert.is(w1.lines[0]!.pypet, '0.7.0');
    const w2 = await bench(['--workload', 'W2', '--n', '40', '--impl', 'pypet', '--reps', '1', '--dir', dir]);
    assert.is(w2.code, 0, w2.stderr);
    assertShape(w2.lines[0]!, 'pypet', 'W2', 40, ['open_skeleton_s', 'collect_s', 'total_s']);
    assert.is(w2.lines[0]!.correct, true);
  });
});

test.run();
