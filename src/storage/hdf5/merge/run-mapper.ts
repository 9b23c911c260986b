/**
 * Renaming the other trajectory's run-specific paths for the target: `run_<old>` becomes
 * `run_<new>` and `run_set_<k>` the new run's bucket. Kept apart from the copying because the
 * rule (which set a set-level node goes to, which names belong to dropped runs) is pypet's and
 * is read on its own.
 */
import { runIndexOf, runName, runSetName } from '../../../tree/names.js';
import { SET_NAME } from './shared.js';

/** Old and new run indices of one other trajectory, for renaming its paths. */
export class RunMapper {
  private readonly firstInSet = new Map<number, number | undefined>();

  constructor(private readonly map: readonly number[]) {}

  /**
   * A full name's parts with run names replaced by the new ones and run sets by the new runs'
   * sets (`run_set_<new // 1000>`); a set without a run below it goes where the first merged run
   * of that set went. Undefined when the name belongs to a run that is not merged.
   */
  mapParts(parts: readonly string[]): string[] | undefined {
    let runIdx: number | undefined;
    for (const p of parts) {
      const old = runIndexOf(p);
      if (old === undefined) continue;
      const idx = this.map[old] ?? -1;
      if (idx < 0) return undefined;
      runIdx ??= idx;
    }
    const out: string[] = [];
    for (const p of parts) {
      const old = runIndexOf(p);
      if (old !== undefined) {
        out.push(runName(this.map[old]!));
        continue;
      }
      const set = SET_NAME.exec(p);
      if (set) {
        const idx = runIdx ?? this.first(Number(set[1]));
        if (idx === undefined) return undefined;
        out.push(runSetName(idx));
        continue;
      }
      out.push(p);
    }
    return out;
  }

  private first(set: number): number | undefined {
    if (!this.firstInSet.has(set)) {
      let found: number | undefined;
      for (let old = set * 1000; old < Math.min(this.map.length, (set + 1) * 1000); old++) {
        const idx = this.map[old]!;
        if (idx >= 0 && (found === undefined || idx < found)) found = idx;
      }
      this.firstInSet.set(set, found);
    }
    return this.firstInSet.get(set);
  }
}
