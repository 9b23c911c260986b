/**
 * Ctrl-C during streaming commands: the first SIGINT asks the command to stop at its next
 * checkpoint (so an export removes its temporary file and exits 130); a second one exits at once.
 * The handler is only installed while a command streams, because signal handlers run on the event
 * loop and synchronous work elsewhere could not react to them anyway.
 */
import { EXIT_INTERRUPTED, InterruptedError } from './exit-codes.js';

let requested = false;

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
