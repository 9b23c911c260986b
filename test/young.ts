/**
 * Whether V8 makes an object in its young generation, for tests of code whose objects must not
 * be pretenured (see src/storage/hdf5/native/read/young.ts): natives syntax and gc() are switched
 * on at run time, which only code compiled afterwards (the checker below) needs.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');

/** A collection: `minor` scavenges the young generation only. */
export const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/** Whether `o` is in V8's young generation. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- natives syntax parses only in code compiled after the flag
export const inYoungGeneration = new Function('o', 'return %InYoungGeneration(o)') as (o: object) => boolean;

/**
 * Teaches V8 that what `make` returns survives, as a cache or a block being read does: `make`
 * is called `count` times per round, everything is kept across two scavenges, six rounds.
 * Literal sites in `make` are pretenured afterwards; class instances and builtin-made arrays are not.
 */
export function trainSurvival(make: (i: number) => unknown, count: number): unknown[] {
  const kept: unknown[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < count; i++) kept.push(make(i));
    gc({ type: 'minor' });
    gc({ type: 'minor' });
  }
  return kept;
}
