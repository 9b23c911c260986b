/**
 * The read commands stream over the runs (issue 13, bounded memory when reading): `get` reads a
 * bounded block of runs at a time (one storage call per block) and keeps no value once it is
 * written, and only the selected runs are read.
 *
 * In-process, the values of {@link resultValues} are counted as the storage reads them: taking
 * the first values reads only those runs. As a command, the peak RSS of `get`/`export` over runs
 * that each hold a 1 MiB array is compared between a file of 12 runs and one of 360 runs: kept
 * values would add 348 MiB, streamed ones nothing that grows with the runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Trajectory } from '../../src/index.js';
import { runSelection } from '../../src/cli/filter.js';
import { openTrajectory, PARAMETERS_ONLY } from '../../src/cli/open.js';
import { resultValues } from '../../src/cli/result-values.js';
import { streamRecords } from '../../src/cli/records.js';
import { BIN } from './cli-helpers.js';
import { tempDir, writeW1 } from './cli-files.js';

const ITEM = 131072; // float64s per run: 1 MiB
/**
 * Runs of the large file. Garbage comes in batches whatever the run count (V8 collects dead
 * buffers once 64 MB more of them were made, and its large objects, such as a run's text in an
 * export, at full collections only): 40-100 MiB of it can be alive at a peak, more on a busy
 * machine. 348 runs more than the small file's make what keeping them would cost (348 MiB) stand
 * well apart from that; with 120 runs the two overlapped, and the test failed now and then.
 */
const LARGE = 360;
let W1 = '';
const bigFiles = new Map<number, string>();

/** `n` runs over x = 0 … n-1, each with result `out`: item `big` (1 MiB, all x) and `a` = x. */
function writeBigValues(file: string, n: number): void {
  const traj = new Trajectory('bigvalues', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: Array.from({ length: n }, (_, i) => i) });
  for (const _ of traj.f_iter_runs()) traj.f_add_result('out', { big: new Float64Array(ITEM).fill(traj.x), a: traj.x });
  traj.f_store();
}

test.before(async () => {
  const dir = tempDir();
  W1 = path.join(dir, 'w1.hdf5');
  await writeW1(W1);
  for (const n of [12, LARGE]) {
    bigFiles.set(n, path.join(dir, `big-${n}.hdf5`));
    writeBigValues(bigFiles.get(n)!, n);
  }
});

/**
 * The trajectory of `file` with the runs its storage service reads counted (a run group loaded,
 * a run's items read, or one run of a released-leaves scan), and the calls that read them.
 */
function countingReads(file: string): { traj: Trajectory; reads: () => number; calls: () => number } {
  const traj = openTrajectory(file, {}, PARAMETERS_ONLY);
  const service = traj.v_storage_service as unknown as Record<string, (...a: unknown[]) => unknown>;
  let reads = 0;
  let calls = 0;
  for (const name of ['readResultItems', 'loadChild', 'readReleasedLeaves']) {
    const original = service[name]!.bind(service);
    service[name] = (...a: unknown[]) => {
      reads += name === 'readReleasedLeaves' ? (a[2] as string[]).length : 1;
      calls += 1;
      return original(...a);
    };
  }
  return { traj, reads: () => reads, calls: () => calls };
}

test('resultValues is lazy: taking two values reads about two runs, not all twelve', () => {
  const { traj, reads } = countingReads(W1);
  const values = resultValues(traj, 'out.a', runSelection(traj, undefined))!;
  const before = reads();
  const it = values[Symbol.iterator]();
  const taken = [it.next().value, it.next().value];
  assert.equal(taken, [{ idx: 0, value: 0.5 }, { idx: 1, value: 1 }]);
  const afterTwo = reads() - before;
  const rest = [...{ [Symbol.iterator]: () => it }];
  assert.is(rest.length, 10);
  const all = reads() - before;
  assert.ok(afterTwo < all / 2, `two values cost ${afterTwo} reads, all twelve ${all}`);
});

/** `n` runs over x; result `out` with a = x and b, but run 7 has no `out` and run 8 no item `a`; result z = 2x. */
function writeMixed(file: string, n: number): void {
  const traj = new Trajectory('mixed', { add_time: false, filename: file });
  traj.f_add_parameter('x', 0.0);
  traj.f_explore({ x: Array.from({ length: n }, (_, i) => i) });
  for (const _ of traj.f_iter_runs()) {
    if (traj.v_idx !== 7) traj.f_add_result('out', traj.v_idx === 8 ? { b: 1 } : { a: traj.x, b: 1 });
    traj.f_add_result('z', 2 * traj.x);
  }
  traj.f_store();
}

test('resultValues scans many runs a block per storage call, with the values a run-by-run read gives', () => {
  const file = path.join(tempDir(), 'mixed.hdf5');
  const n = 1500;
  writeMixed(file, n);
  for (const [name, expected] of [
    ['out.a', Array.from({ length: n }, (_, i) => i).filter((i) => i !== 7 && i !== 8).map((idx) => ({ idx, value: idx }))],
    ['z', Array.from({ length: n }, (_, idx) => ({ idx, value: 2 * idx }))],
  ] as const) {
    const { traj, reads, calls } = countingReads(file);
    const values = resultValues(traj, name, runSelection(traj, undefined))!;
    const before = { reads: reads(), calls: calls() };
    assert.equal([...values], expected, name);
    // Runs 7 and 8 are read through the tree too (the scan finds no item there); the rest in
    // blocks that grow to thousands of runs: a few dozen calls, not one or two per run.
    assert.ok(calls() - before.calls < 40, `${name}: ${calls() - before.calls} storage calls for ${n} runs`);
    assert.ok(reads() - before.reads < n + 10, `${name}: ${reads() - before.reads} runs read for ${n} runs`);
  }
});

test('export records pair each selected run with its scanned values (missing ones are null)', () => {
  const file = path.join(tempDir(), 'mixed-export.hdf5');
  writeMixed(file, 1200);
  const { traj, calls } = countingReads(file);
  const rows = [...streamRecords(traj, { results: ['out.a', 'z'], where: { x: { $gte: 5 } } })].map((r) => [r.idx, r['out.a'], r['z']]);
  assert.equal(rows, Array.from({ length: 1195 }, (_, k) => k + 5).map((i) => [i, i === 7 || i === 8 ? null : i, 2 * i]));
  assert.ok(calls() < 60, `${calls()} storage calls for 1195 runs`);
});

test('resultValues reads only the selected runs, in run order', () => {
  const { traj, reads } = countingReads(W1);
  const selection = runSelection(traj, { mode: 'beta', y: 2 });
  const values = resultValues(traj, 'out.c', selection)!;
  const before = reads();
  assert.equal([...values], [9, 10, 11].map((idx) => ({ idx, value: idx })));
  const { traj: t2, reads: reads2 } = countingReads(W1);
  const everything = resultValues(t2, 'out.c', runSelection(t2, undefined))!;
  const before2 = reads2();
  assert.is([...everything].length, 12);
  assert.ok(reads() - before < (reads2() - before2) / 2, `3 selected runs cost ${reads() - before} reads, all 12 ${reads2() - before2}`);
});

/** Runs `h5traj ...args` and returns its exit code, stdout and peak RSS (MiB, from the process itself). */
function peakRss(args: string[]): { code: number | null; stdout: string; rssMb: number } {
  const report = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\npeak-rss-kb="+process.resourceUsage().maxRSS+"\\n"))';
  const r = spawnSync(process.execPath, ['--import', report, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
  const kb = /peak-rss-kb=(\d+)/.exec(r.stderr);
  assert.ok(kb, `no peak RSS reported; stderr: ${r.stderr}`);
  return { code: r.status, stdout: r.stdout, rssMb: Number(kb[1]) / 1024 };
}

for (const args of [
  ['get', 'out.big', '--where', 'x=3', '--json'],
  ['get', 'out.big'],
  ['export', '--format', 'csv', '-r', 'out.big'],
]) {
  test(`${args.join(' ')}: peak RSS does not grow with runs holding 1 MiB each`, () => {
    const small = peakRss([args[0]!, bigFiles.get(12)!, ...args.slice(1)]);
    const large = peakRss([args[0]!, bigFiles.get(LARGE)!, ...args.slice(1)]);
    assert.is(small.code, 0);
    assert.is(large.code, 0);
    // The output is right (and complete) for the large file.
    if (args.includes('--where')) {
      const rows = JSON.parse(large.stdout) as { idx: number; value: number[] }[];
      assert.equal(rows.map((r) => [r.idx, r.value.length, r.value[0]]), [[3, ITEM, 3]]);
    } else {
      assert.is(large.stdout.trimEnd().split('\n').length, LARGE + 1);
    }
    // Keeping the runs would cost 348 MiB more; the garbage of a batch (see LARGE) stays below this.
    assert.ok(large.rssMb - small.rssMb < 120, `peak RSS ${small.rssMb.toFixed(0)} MiB for 12 runs, ${large.rssMb.toFixed(0)} MiB for ${LARGE}`);
  });
}

test.run();
