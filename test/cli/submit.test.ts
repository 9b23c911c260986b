/**
 * `h5traj submit`: the sbatch scripts it writes (dry run), the shards `--resume` submits again,
 * and the whole workflow on a real one-node SLURM cluster (Debian's slurm-wlm and munge, started
 * here): an exploration seeded by `v_idx` as 4 array tasks plus the dependent merge job gives,
 * value for value, the file one machine writes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, h5traj } from './cli-helpers.js';
import { scienceDump } from './science-dump.js';
import { startCluster, waitForJobs } from './slurm-cluster.js';
import { writeSeededModule } from '../merge/seeded.js';
import { tempDir } from '../helpers.js';

const dir = tempDir('h5traj-submit-');
const SEEDED = writeSeededModule(dir);

function run(args: string[], env: NodeJS.ProcessEnv = {}): number {
  return h5traj(['run', ...args, '--quiet'], { env }).code;
}

test('--dry-run prints an array script and a dependent merge script that call this install by absolute path', () => {
  const out = path.join(dir, 'dry', 'sim.hdf5');
  const r = h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--ncores', '2', '--partition', 'debug', '--sbatch=--time=00:10:00', '--dry-run']);
  assert.is(r.code, 0, r.stderr);
  const parts = `${out}.parts`;
  assert.match(r.stdout, `# ---- ${parts}/shards.sbatch (sbatch --parsable)`);
  assert.match(r.stdout, `# ---- ${parts}/merge.sbatch (sbatch --parsable --dependency=afterok:<array job id>)`);
  for (const line of ['#SBATCH --array=0-3', '#SBATCH --cpus-per-task=2', '#SBATCH --partition=debug', '#SBATCH --time=00:10:00',
    `#SBATCH --output=${parts}/logs/shard-%a-of-4.out`, 'K="${SLURM_ARRAY_TASK_ID:?', `PART=${parts}/shard-"$K"-of-4.hdf5`,
    `exec ${process.execPath} ${BIN} run ${SEEDED} --file "$PART" --ncores 2 --quiet --shard "$K/4"`,
    `exec ${process.execPath} ${BIN} run ${SEEDED} --file "$PART" --ncores 2 --quiet --resume`,
    `${process.execPath} ${BIN} merge ${parts}/merged.hdf5`, `${parts}/shard-3-of-4.hdf5`, `mv -f ${parts}/merged.hdf5 ${out}`]) {
    assert.ok(r.stdout.includes(line), `the scripts hold: ${line}\n${r.stdout}`);
  }
  assert.not.ok(fs.existsSync(parts), 'a dry run writes nothing');
  const json = JSON.parse(h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--dry-run', '--json']).stdout);
  assert.equal(json.shards, [0, 1, 2, 3]);
  assert.match(json.scripts.shards, /^#!\/bin\/bash/);
  assert.match(json.scripts.merge, /--job-name=h5traj-sim-merge/);
  assert.is(h5traj(['submit', SEEDED, '--file', out, '--shards', '0', '--dry-run']).code, 2);
  assert.is(h5traj(['submit', path.join(dir, 'missing.mjs'), '--file', out, '--shards', '2', '--dry-run']).code, 2);
});

test('without sbatch on PATH, submit fails with one line that says so', () => {
  const out = path.join(dir, 'nosbatch', 'sim.hdf5');
  const r = h5traj(['submit', SEEDED, '--file', out, '--shards', '2'], { env: { PATH: path.join(dir, 'no-such-bin') } });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /Could not run sbatch \(ENOENT\); submit from a SLURM login node, or see the scripts with --dry-run/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('--resume submits again only the shards whose parts are missing or incomplete', () => {
  const out = path.join(dir, 'resume', 'sim.hdf5');
  const part = (k: number) => path.join(`${out}.parts`, `shard-${k}-of-4.hdf5`);
  assert.is(run([SEEDED, '--file', part(0), '--shard', '0/4']), 0);
  assert.is(run([SEEDED, '--file', part(1), '--shard', '1/4'], { SEEDED_FAIL_RUN: '4' }), 1, 'run 4 of shard 1 fails');
  assert.is(run([SEEDED, '--file', part(2), '--shard', '2/4']), 0);
  const refused = h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--dry-run']);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /holds parts of an earlier submission; pass --resume/);
  const r = h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--resume', '--dry-run', '--json']);
  assert.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.shards, [1, 3]);
  assert.match(json.scripts.shards, /#SBATCH --array=1,3\n/);
  const wrong = h5traj(['submit', SEEDED, '--file', out, '--shards', '3', '--resume', '--dry-run']);
  assert.is(wrong.code, 0, 'parts of another split are not in the way (other names)');
  fs.copyFileSync(part(0), path.join(`${out}.parts`, 'shard-1-of-3.hdf5'));
  const mislabeled = h5traj(['submit', SEEDED, '--file', out, '--shards', '3', '--resume', '--dry-run']);
  assert.is(mislabeled.code, 2);
  assert.match(mislabeled.stderr, /is not shard 1 of 3 \(it records shard 0\/4\)/);
});

test('on a one-node SLURM cluster: 4 shards and the merge job give one machine\'s file', async () => {
  const single = path.join(dir, 'single.hdf5');
  assert.is(run([SEEDED, '--file', single]), 0);
  const cluster = await startCluster();
  try {
    const out = path.join(dir, 'slurm', 'sim.hdf5');
    const r = h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--json'], { cwd: dir });
    assert.is(r.code, 0, r.stderr);
    const ids = JSON.parse(r.stdout);
    assert.match(ids.array_job, /^\d+$/);
    assert.match(ids.merge_job, /^\d+$/);
    const logs = path.join(`${out}.parts`, 'logs');
    const diagnose = () => (fs.existsSync(logs) ? fs.readdirSync(logs).map((f) => `${f}: ${fs.readFileSync(path.join(logs, f), 'utf8').slice(-800)}`).join('\n') : 'no logs');
    await waitForJobs([ids.array_job, ids.merge_job], 150_000, diagnose);
    assert.ok(fs.existsSync(out), `the merge job wrote ${out}\n${diagnose()}`);
    assert.match(fs.readFileSync(path.join(logs, 'merge.out'), 'utf8'), /seeded: 4 part\(s\) merged .*: 10 of 10 runs completed/);
    assert.equal(scienceDump(out), scienceDump(single));
    const info = h5traj(['info', out]);
    assert.match(info.stdout, /merged from shards 0, 1, 2, 3 of 4/);
    // A lost part: --resume runs that shard alone again, then the merge rewrites the file.
    fs.rmSync(path.join(`${out}.parts`, 'shard-2-of-4.hdf5'));
    const again = h5traj(['submit', SEEDED, '--file', out, '--shards', '4', '--resume', '--json'], { cwd: dir });
    assert.is(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    assert.equal(second.shards, [2]);
    await waitForJobs([second.array_job, second.merge_job], 150_000, diagnose);
    assert.match(fs.readFileSync(path.join(logs, 'shard-2-of-4.out'), 'utf8'), /shard 2 of 4: runs 6–7/);
    assert.equal(scienceDump(out), scienceDump(single));
  } finally {
    await cluster.stop();
  }
});

test.run();
