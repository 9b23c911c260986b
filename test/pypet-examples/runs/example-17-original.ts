/**
 * pypet's examples/example_17_wrapping_an_existing_project/original.py, the simulation part:
 * 1-dimensional cellular automata (rule 110 among them). The plotting and pickling of the
 * original are left out; the port of pypetwrap.py (example-17.ts) calls these functions.
 */
import { MT19937 } from './mt19937.js';

/** The rule as its binary list, 2**0 on the left: `convertRule(30)` is [0, 1, 1, 1, 1, 0, 0, 0]. */
export function convertRule(ruleNumber: number): number[] {
  return Array.from({ length: 8 }, (_, i) => Math.floor(ruleNumber / 2 ** i) % 2);
}

/** A single live cell in the middle, or numpy's random zeros and ones for `seed`. */
export function makeInitialState(name: string, ncells: number, seed = 42): Float64Array | BigInt64Array {
  if (name === 'single') {
    const justOneCell = new Float64Array(ncells);
    justOneCell[Math.trunc(ncells / 2)] = 1.0;
    return justOneCell;
  } else if (name === 'random') {
    return new MT19937(seed).randint2(ncells);
  }
  throw new Error(`I cannot handel your initial state \`${name}\`.`);
}

/** Simulates the automaton: a steps × ncells array (row-major) of zeros and ones. */
export function cellularAutomaton1D(initialState: Float64Array | BigInt64Array, ruleNumber: number, steps: number): Float64Array {
  const ncells = initialState.length;
  const pattern = new Float64Array(steps * ncells);
  for (let i = 0; i < ncells; i++) pattern[i] = Number(initialState[i]);
  const binaryRule = convertRule(ruleNumber);
  const neighbourhoodFactors = [1, 2, 4];
  for (let step = 0; step < steps - 1; step++) {
    const currentRow = pattern.subarray(step * ncells, (step + 1) * ncells);
    const nextRow = pattern.subarray((step + 1) * ncells, (step + 2) * ncells);
    for (let irun = 0; irun < ncells; irun++) {
      // np.take(current_row, range(irun - 1, irun + 2), mode='wrap')
      const neighbourhood = [irun - 1, irun, irun + 1].map((j) => currentRow[(j + ncells) % ncells]!);
      const decimalNeighborhood = neighbourhood.reduce((sum, v, k) => sum + v * neighbourhoodFactors[k]!, 0);
      nextRow[irun] = binaryRule[decimalNeighborhood]!;
    }
  }
  return pattern;
}
