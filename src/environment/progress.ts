/**
 * Progress of an exploration on stderr: a bar with ETA and failures when stderr is a terminal
 * (cli-progress), a plain line every few seconds otherwise, nothing when quiet.
 */
import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'quiet';

export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private failed = 0;
  private lastLine = 0;
  private readonly started = Date.now();
  private readonly mode: Exclude<ProgressMode, 'auto'>;

  constructor(
    private readonly total: number,
    mode: ProgressMode = 'auto',
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly lineEveryMs = 5000,
  ) {
    this.mode = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
    if (this.mode === 'bar' && total > 0) {
      this.bar = new cliProgress.SingleBar(
        {
          stream,
          format: 'runs {bar} {value}/{total} | {percentage}% | ETA {eta_formatted} | failed {failed}',
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { failed: 0 });
    }
  }

  /** One more run finished (or failed). */
  tick(failed = false): void {
    this.done += 1;
    if (failed) this.failed += 1;
    if (this.bar) this.bar.update(this.done, { failed: this.failed });
    else if (this.mode === 'lines' && (Date.now() - this.lastLine >= this.lineEveryMs || this.done === this.total)) {
      this.lastLine = Date.now();
      this.stream.write(`${this.line()}\n`);
    }
  }

  private line(): string {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = this.done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    return `runs ${this.done}/${this.total} (${((100 * this.done) / Math.max(1, this.total)).toFixed(0)}%), ${this.failed} failed, ${elapsed.toFixed(1)} s elapsed, ETA ${eta.toFixed(0)} s`;
  }

  stop(): void {
    this.bar?.stop();
  }
}
