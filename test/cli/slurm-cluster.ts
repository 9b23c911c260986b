/**
 * A one-node SLURM cluster on this machine for the `h5traj submit` test: Debian's `slurm-wlm` and
 * `munge` (installed with apt-get when missing), a munge key (owner munge, mode 0400), a slurm.conf
 * for this host (proctrack/linuxproc and task/none, since cgroups are not available here; root as
 * SlurmUser; no accounting), and munged, slurmctld and slurmd in the foreground under this
 * process's control (they write no pid files when they fork themselves). Daemons that are already running are used and
 * left alone; the ones started here are stopped by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

const CONF = '/etc/slurm/slurm.conf';
/** The first line of a slurm.conf written here: only such a file is rewritten. */
const MARK = '# written by the h5traj submit test (test/cli/slurm-cluster.ts)';

export interface Cluster {
  /** The daemons started here (already running ones are not listed). */
  started: string[];
  stop(): Promise<void>;
}

function ok(cmd: string, args: string[], timeout = 10_000): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout }).status === 0;
}

function running(name: string): boolean {
  return ok('pgrep', ['-x', name]);
}

function has(cmd: string): boolean {
  return ok('sh', ['-c', `command -v ${cmd}`]);
}

/** Polls `check` until it is true (the daemons announce readiness only through their tools). */
async function until(what: string, check: () => boolean, timeoutMs: number, diagnose: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`The one-node SLURM cluster did not come up: ${what} (waited ${timeoutMs / 1000} s). ${diagnose()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Installs slurm-wlm and munge with apt-get unless their programs are there. */
export function ensureInstalled(): void {
  if (['sbatch', 'squeue', 'sinfo'].every(has) && ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged'].every((p) => fs.existsSync(p))) return;
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 slurm-wlm munge'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) {
    throw new Error(`Installing slurm-wlm and munge with apt-get failed (exit ${r.status}); the SLURM test needs them:\n${(r.stderr || r.stdout).slice(-2000)}`);
  }
}

function slurmConf(host: string): string {
  const cpus = os.cpus().length;
  const memory = Math.max(256, Math.floor((os.freemem() / 2 ** 20) * 0.8));
  return `${MARK}
ClusterName=h5traj-test
SlurmctldHost=${host}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SchedulerType=sched/backfill
NodeName=${host} CPUs=${cpus} RealMemory=${memory} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
`;
}

function prepareMunge(): void {
  const { uid, gid } = userIds('munge');
  const key = '/etc/munge/munge.key';
  if (!fs.existsSync(key)) {
    fs.mkdirSync('/etc/munge', { recursive: true });
    fs.writeFileSync(key, randomBytes(1024), { mode: 0o400 });
    fs.chownSync(key, uid, gid);
  }
  for (const dir of ['/run/munge', '/var/log/munge', '/var/lib/munge']) {
    fs.mkdirSync(dir, { recursive: true });
    fs.chownSync(dir, uid, gid);
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const out = (args: string[]) => Number(spawnSync('id', [...args, name], { encoding: 'utf8' }).stdout.trim());
  const uid = out(['-u']);
  const gid = out(['-g']);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`There is no user '${name}'; is munge installed?`);
  return { uid, gid };
}

function nodeState(): string {
  return spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '';
}

/** Starts what is not running yet and waits until the node takes jobs. */
export async function startCluster(): Promise<Cluster> {
  ensureInstalled();
  const host = os.hostname().split('.')[0]!;
  const children: { name: string; child: ChildProcess; log: string }[] = [];
  const launch = (name: string, cmd: string, args: string[], ids?: { uid: number; gid: number }) => {
    const log = `/tmp/h5traj-test-${name}.log`;
    const fd = fs.openSync(log, 'w');
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], ...(ids ?? {}) });
    fs.closeSync(fd);
    children.push({ name, child, log });
  };
  const diagnose = () => children.map((c) => `${c.name} (exit ${c.child.exitCode}): ${fs.readFileSync(c.log, 'utf8').slice(-500)}`).join('\n');
  const cluster: Cluster = {
    started: [],
    async stop() {
      for (const c of children.reverse()) {
        if (c.child.exitCode !== null || c.child.signalCode !== null) continue;
        const exited = new Promise((resolve) => c.child.once('exit', resolve));
        c.child.kill('SIGTERM');
        await exited;
      }
    },
  };
  try {
    prepareMunge();
    if (!running('munged')) launch('munged', '/usr/sbin/munged', ['-F'], userIds('munge'));
    await until('munge answers', () => ok('sh', ['-c', 'munge -n | unmunge']), 30_000, diagnose);
    if (!fs.existsSync(CONF) || fs.readFileSync(CONF, 'utf8').startsWith(MARK)) {
      fs.mkdirSync('/etc/slurm', { recursive: true });
      fs.writeFileSync(CONF, slurmConf(host));
    }
    for (const dir of ['/var/spool/slurmctld', '/var/spool/slurmd', '/var/log/slurm']) fs.mkdirSync(dir, { recursive: true });
    if (!running('slurmctld')) launch('slurmctld', '/usr/sbin/slurmctld', ['-D']);
    if (!running('slurmd')) launch('slurmd', '/usr/sbin/slurmd', ['-D']);
    cluster.started = children.map((c) => c.name);
    await until('sinfo shows the node', () => nodeState() !== '', 60_000, diagnose);
    // A node left "down" by an earlier, stopped cluster is returned to service.
    if (/down|drain/.test(nodeState())) ok('scontrol', ['update', `nodename=${host}`, 'state=resume']);
    await until('the node is idle', () => /idle|mix|alloc/.test(nodeState()), 60_000, () => `sinfo: ${nodeState()}\n${diagnose()}`);
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

/** Waits until none of `jobs` is in the queue any more (squeue lists pending and running jobs). */
export async function waitForJobs(jobs: string[], timeoutMs: number, diagnose: () => string): Promise<void> {
  const inQueue = () => {
    const r = spawnSync('squeue', ['-h', '-j', jobs.join(','), '-o', '%i %T %r'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return r.stdout.trim();
    // Jobs purged from the controller's memory are unknown to squeue: gone as well.
    return /Invalid job id/i.test(r.stderr) ? '' : `squeue failed: ${r.stderr}`;
  };
  const end = Date.now() + timeoutMs;
  let last = inQueue();
  while (last !== '') {
    // A job held forever (its dependency can never be met) would otherwise wait for the timeout.
    if (/DependencyNeverSatisfied/.test(last)) throw new Error(`A job can never start:\n${last}\n${diagnose()}`);
    if (Date.now() > end) throw new Error(`Jobs ${jobs.join(', ')} were still queued after ${timeoutMs / 1000} s:\n${last}\n${diagnose()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = inQueue();
  }
}
