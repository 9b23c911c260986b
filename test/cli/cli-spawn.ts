/**
 * Running the built `h5traj` binary asynchronously, for what `spawnSync` cannot do: a reader that
 * goes away early (`| head`) and Ctrl-C while a command runs.
 */
import { spawn } from 'node:child_process';
import { BIN } from './cli-helpers.js';

export interface AsyncResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `h5traj ...args` and closes its stdout after the first chunk arrives, as `| head -c1`
 * would. Resolves when the process has exited.
 */
export function h5trajClosingEarly(args: string[]): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.once('data', (d: Buffer) => {
      stdout += d.toString();
      child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs `h5traj ...args` and sends it SIGINT (Ctrl-C) as soon as `ready(stderr)` says the command
 * is busy streaming (polled every 50 ms), so the signal reaches it mid-work. `env` is added to
 * the command's environment (e.g. {@link INTERRUPT_PAUSE_ENV}, which holds it mid-stream until the signal).
 */
export function h5trajInterrupted(args: string[], ready: (stderr: string) => boolean, env: NodeJS.ProcessEnv = {}): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (!ready(stderr)) return;
      clearInterval(poll);
      child.kill('SIGINT');
    }, 50);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
