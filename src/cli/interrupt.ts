/**
 * Ctrl-C during streaming commands: the first SIGINT asks the command to stop at its next
 * checkpoint (so an export removes its temporary file and exits 130); a second one exits at once.
 * The handler is only installed while a command streams, because signal handlers run on the event
 * loop and synchronous work elsewhere could not react to them anyway.
 */
import fs from 'node:fs';
import { EXIT_INTERRUPTED, InterruptedError } from './exit-codes.js';

/**
 * The Ctrl-C tests' pause: when set to a number of milliseconds, a streaming command says
 * `h5traj: waiting for Ctrl-C` on stderr after its first written chunk and waits there until
 * SIGINT comes (at most that long). A test then interrupts it mid-stream on that event, however
 * fast the export runs, instead of racing it.
 */
export const INTERRUPT_PAUSE_ENV = 'H5TRAJ_TEST_WAIT_FOR_SIGINT_MS';

let requested = false;
let pausedOnce = false;

function onSigint(): void {
  if (requested) process.exit(EXIT_INTERRUPTED);
  requested = true;
}

/** Installs the SIGINT handler; returns a function that removes it again. */
export function watchInterrupts(): () => void {
  requested = false;
  process.on('SIGINT', onSigint);
  return () => {
    process.off('SIGINT', onSigint);
  };
}

/** Throws {@link InterruptedError} when Ctrl-C was pressed since {@link watchInterrupts}. */
export function checkInterrupt(): void {
  if (requested) throw new InterruptedError('interrupted.');
}

/** The pause of {@link INTERRUPT_PAUSE_ENV}, once per process; nothing when it is not set. */
export async function waitForInterruptInTests(): Promise<void> {
  const ms = Number(process.env[INTERRUPT_PAUSE_ENV] ?? 0);
  if (!(ms > 0) || pausedOnce) return;
  pausedOnce = true;
  fs.writeSync(2, 'h5traj: waiting for Ctrl-C\n');
  const until = Date.now() + ms;
  while (!requested && Date.now() < until) await new Promise<void>((resolve) => setTimeout(resolve, 5));
}
