/**
 * What `env.run` answers: `[run index, return value]` for each run that completed, in run order.
 * Gathered as the runs finish without an array per run: most run functions return nothing, and a
 * million `[idx, undefined]` pairs held through the exploration cost ~72 MB (issue 13). The pairs
 * are made when asked for ({@link RunResults.list}), at the end or for the postprocessing.
 */
import { grown } from '../trajectory/run-columns.js';

export class RunResults {
  private indices = new Uint32Array(1024);
  private count = 0;
  /** Return values other than undefined, by run index. */
  private readonly values = new Map<number, unknown>();

  add(idx: number, returned: unknown): void {
    if (this.count === this.indices.length) this.indices = grown(this.indices, this.count * 2);
    this.indices[this.count++] = idx;
    if (returned !== undefined) this.values.set(idx, returned);
  }

  /** The pairs, in run order. */
  list(): [number, unknown][] {
    const sorted = this.indices.slice(0, this.count).sort();
    const out = new Array<[number, unknown]>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = [sorted[i]!, this.values.get(sorted[i]!)];
    return out;
  }
}
