/**
 * pypet's examples/example_17_wrapping_an_existing_project/pypetwrap.py: the existing
 * simulation (example-17-original.ts) wrapped for the Environment. A module of its own because
 * with ncores > 1 `wrapAutomaton` runs in worker threads.
 */
import { NDArray, type Trajectory } from '../../../src/index.js';
import { cellularAutomaton1D, makeInitialState } from './example-17-original.js';

/** Generic file names from what has been explored: `rule_number_10__initial_name_single.png`. */
export function makeFilename(traj: Trajectory): string {
  const exploredParameters = traj.f_get_explored_parameters();
  let filename = '';
  for (const param of Object.values(exploredParameters) as any[]) {
    const shortName = param.v_name;
    const val = param.f_get();
    filename += `${shortName}_${String(val)}__`;
  }
  return filename.slice(0, -2) + '.png';
}

/** Calls the original simulation with data from `traj` and stores the pattern. */
export function wrapAutomaton(traj: Trajectory): void {
  const initialState = makeInitialState(traj.initial_name, traj.ncells, traj.seed);
  const pattern = cellularAutomaton1D(initialState, traj.rule_number, traj.steps);
  traj.f_add_result('pattern', new NDArray('float64', [traj.steps, traj.ncells], pattern), { comment: 'Development of CA over time' });
}
