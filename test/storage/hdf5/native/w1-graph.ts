/**
 * A W1-like graph for the native writer's tests (pypet's per-run results layout, built directly
 * as the writer's model): `results/runs/run_%08d/out` for N runs, each `out` holding float64
 * scalars a, b, c and a float64[100] `arr`, with string attributes (fixed UTF-8 like h5traj's,
 * and one variable-length comment) on `out`.
 */
import { F64, type H5Type } from '../../../../src/storage/hdf5/engine/h5types.js';
import { type NDataset, type NGroup, memoryData, newGroup } from '../../../../src/storage/hdf5/native/model.js';
import { runName } from '../../../../src/tree/names.js';
import type { H5Data } from '../../../../src/storage/hdf5/engine/h5file.js';

const utf8 = (s: string): H5Data => {
  const bytes = Buffer.from(s, 'utf8');
  return { type: { class: 'string', size: bytes.length, vlen: false, cset: 'utf8', pad: 'spacepad' }, shape: [], bytes };
};
const VLEN: H5Type = { class: 'string', size: 16, vlen: true, cset: 'utf8', pad: 'nullterm' };
const f64Dataset = (values: number[], shape: number[]): NDataset => ({
  kind: 'dataset', attrs: new Map(), type: F64, shape, maxshape: null, chunks: null,
  data: memoryData(new Uint8Array(Float64Array.from(values).buffer)),
});

/** A root with `results/runs/run_…/out/{a,b,c,arr}` for `n` runs. */
export function buildW1Graph(n: number): NGroup {
  const root = newGroup();
  const results = newGroup();
  const runs = newGroup();
  root.links.set('results', { kind: 'hard', node: results });
  results.links.set('runs', { kind: 'hard', node: runs });
  for (let i = 0; i < n; i++) {
    const out = newGroup();
    out.attrs.set('class_name', utf8('Result'));
    out.attrs.set('SRVC_LEAF', utf8('1'));
    out.attrs.set('comment', { type: VLEN, shape: [], bytes: new Uint8Array(0), strings: [Buffer.from(`run ${i} output`)] });
    out.links.set('a', { kind: 'hard', node: f64Dataset([i], []) });
    out.links.set('b', { kind: 'hard', node: f64Dataset([i * 0.5], []) });
    out.links.set('c', { kind: 'hard', node: f64Dataset([-i], []) });
    out.links.set('arr', { kind: 'hard', node: f64Dataset(Array.from({ length: 100 }, (_, k) => i + k / 100), [100]) });
    const run = newGroup();
    run.links.set('out', { kind: 'hard', node: out });
    runs.links.set(runName(i), { kind: 'hard', node: run });
  }
  return root;
}
