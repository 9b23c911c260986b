/**
 * A trajectory file into which libhdf5 (through h5py) put dense storage — groups whose links,
 * and objects whose attributes, live in a fractal heap indexed by v2 B-trees — for the tests of
 * appending commits into such files (`dense-commits.test.ts` and `dense-commit-child.ts`).
 *
 * {@link densify} round 0 adds, beside the trajectory `sim` that `run-commits.ts` stores: 20 more
 * groups at the root (which makes the root's links dense), a group `/dense` with 100 subgroups
 * and 30 attributes, in creation order, and five datasets of 20 attributes each in it (all dense,
 * never changed by h5traj), 12 attributes on `sim` (which h5traj rewrites with each commit), and
 * moves the committed run groups into a new `sim/results/runs` with dense links and creation
 * order. Each later round adds 10 subgroups to `/dense`, 12 attributes to `sim` and makes
 * `sim/results/runs` dense again. {@link expectedView} is what h5py must then see.
 */
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { ByteSource } from '../../../../src/storage/hdf5/native/read/byte-source.js';
import { ObjectHeader } from '../../../../src/storage/hdf5/native/read/object-header.js';
import { seekDenseStorage } from '../../../../src/storage/hdf5/native/read/messages.js';
import { readSuperblock } from '../../../../src/storage/hdf5/native/read/superblock.js';
import { MSG, UNDEF } from '../../../../src/storage/hdf5/native/format.js';
import { runName } from '../../../../src/tree/names.js';
import { runH5py, runH5pyJson } from '../../../helpers.js';

const DENSIFY = `
import h5py, sys
path, rnd = sys.argv[1], int(sys.argv[2])
with h5py.File(path, 'a') as f:
    if rnd == 0:
        for i in range(20): f.create_group('extra_%02d' % i)
        d = f.create_group('dense', track_order=True)
        for i in range(30): d.attrs['a%02d' % i] = i
        for i in range(5):
            ds = d.create_dataset('ds_%d' % i, data=[i, i + 0.5])
            for k in range(20): ds.attrs['k%02d' % k] = k * i
    d = f['dense']
    for i in range(100 if rnd == 0 else 10): d.create_group('g%d_%03d' % (rnd, i))
    for i in range(12): f['sim'].attrs['extra%d_%02d' % (rnd, i)] = 100 * rnd + i
    # The committed run groups move into a new group with dense links and creation order.
    r = f['sim/results']
    new = r.create_group('runs_dense', track_order=True)
    for name in sorted(r['runs']): new[name] = r['runs'][name]
    del r['runs']
    r.move('runs_dense', 'runs')
`;

/** libhdf5 (h5py) adds round `round` of dense storage to `file` (see the top). */
export function densify(file: string, round: number): void {
  runH5py(DENSIFY, file, String(round));
}

/** What h5py sees of a file (see VIEW). */
export interface DenseView {
  runs: string[];
  completed: number[];
  z: number[];
  root: string[];
  denseLinks: string[];
  denseAttrs: Record<string, number>;
  datasets: { value: number[]; attrs: Record<string, number> }[];
  simExtra: Record<string, number>;
  /** Objects whose attribute count (H5Aget_num_attrs, h5py's len) is not the number of attributes listed. */
  miscounted: string[];
}

// One Python start for several files (the current version and older ones).
const VIEW = `
import h5py, json, sys
def view(path):
    f = h5py.File(path, 'r')
    t = f['sim']
    runs = t['results/runs'] if 'runs' in t['results'] else {}
    names = sorted(runs)
    d = f['dense']
    miscounted = []
    def count(name, obj):
        if len(obj.attrs) != len(list(obj.attrs)): miscounted.append(name)
    f.visititems(count)
    return {
        'runs': names, 'completed': [int(c) for c in t['overview/runs']['completed']],
        'z': [float(runs[g]['z']['z'][()]) for g in names],
        'root': sorted(k for k in f if k != 'sim'),
        'denseLinks': list(d),
        'denseAttrs': {k: int(v) for k, v in d.attrs.items()},
        'datasets': [{'value': d['ds_%d' % i][()].tolist(), 'attrs': {k: int(v) for k, v in d['ds_%d' % i].attrs.items()}} for i in range(5)],
        'simExtra': {k: int(v) for k, v in t.attrs.items() if k.startswith('extra')},
        'miscounted': miscounted,
    }
print(json.dumps([view(p) for p in sys.argv[1:]]))
`;

/** What h5py sees of each file. */
export function h5pyViews(...files: string[]): DenseView[] {
  return runH5pyJson<DenseView[]>(VIEW, ...files);
}

/** What h5py must see after runs 0 … done−1 of n were committed and densify rounds 0 … rounds−1 ran. */
export function expectedView(done: number, n: number, rounds: number): DenseView {
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  const pad = (i: number, w: number) => String(i).padStart(w, '0');
  return {
    runs: range(done).map(runName),
    completed: range(n).map((i) => (i < done ? 1 : 0)),
    z: range(done).map((i) => 10 * i),
    root: [...range(20).map((i) => `extra_${pad(i, 2)}`), 'dense'].sort(),
    // Creation order: the datasets, round 0's 100 groups, then 10 a round.
    denseLinks: [...range(5).map((i) => `ds_${i}`), ...range(rounds).flatMap((r) => range(r === 0 ? 100 : 10).map((i) => `g${r}_${pad(i, 3)}`))],
    denseAttrs: Object.fromEntries(range(30).map((i) => [`a${pad(i, 2)}`, i])),
    datasets: range(5).map((i) => ({ value: [i, i + 0.5], attrs: Object.fromEntries(range(20).map((k) => [`k${pad(k, 2)}`, k * i])) })),
    simExtra: Object.fromEntries(range(rounds).flatMap((r) => range(12).map((i) => [`extra${r}_${pad(i, 2)}`, 100 * r + i]))),
    miscounted: [],
  };
}

/** How an object's links and attributes are stored, from its header. */
export interface Storage {
  links?: 'symbol table' | 'compact' | 'dense';
  attrs: 'compact' | 'dense';
}

/** Where the headers of the objects at `paths` of `file` are (read by the native reader; '/' is the root). */
function addresses(file: string, paths: readonly string[]): number[] {
  const f = NativeH5File.open(file, 'r');
  const src = new ByteSource(file);
  try {
    const root = readSuperblock(src).rootAddr;
    return paths.map((p) => {
      const addr = p === '/' ? root : f.addressOf(p);
      if (addr === undefined) throw new Error(`'${p}' in ${file} is not reached by a hard link`);
      return addr;
    });
  } finally {
    src.close();
    f.close();
  }
}

/** How the objects at `paths` of `file` store their links and attributes. */
export function storageOf(file: string, ...paths: string[]): Record<string, Storage> {
  const addrs = addresses(file, paths);
  const src = new ByteSource(file);
  try {
    readSuperblock(src);
    const out: Record<string, Storage> = {};
    paths.forEach((p, i) => {
      const h = new ObjectHeader(src);
      h.read(addrs[i]!, p);
      const dense = (type: number, what: 'link info' | 'attribute info') => h.has(type) && seekDenseStorage(h.get(type), what).addr() !== UNDEF;
      const attrs = dense(MSG.ATTRIBUTE_INFO, 'attribute info') ? 'dense' : 'compact';
      if (h.has(MSG.SYMBOL_TABLE)) out[p] = { links: 'symbol table', attrs };
      else if (h.has(MSG.LINK_INFO)) out[p] = { links: dense(MSG.LINK_INFO, 'link info') ? 'dense' : 'compact', attrs };
      else out[p] = { attrs };
    });
    return out;
  } finally {
    src.close();
  }
}

/**
 * Where the local heap of the old-style group at `path` in `file` has free space that an
 * appending commit may write names into: behind the header of the free block at the heap's end
 * (`write/symbol-table-append.ts`). Undefined when the group keeps its links otherwise.
 */
export function heapFreeSpace(file: string, path: string): [number, number] | undefined {
  const [addr] = addresses(file, [path]);
  const src = new ByteSource(file);
  try {
    readSuperblock(src);
    const h = new ObjectHeader(src);
    h.read(addr!, path);
    if (!h.has(MSG.SYMBOL_TABLE)) return undefined;
    const c = h.get(MSG.SYMBOL_TABLE);
    c.addr(); // the B-tree
    const heap = src.bytes(c.addr(), 32);
    const [size, freeHead, data] = [8, 16, 24].map((at) => Number(heap.readBigUInt64LE(at))) as [number, number, number];
    return freeHead + 16 <= size ? [data + freeHead + 16, data + size] : undefined;
  } finally {
    src.close();
  }
}

/** The byte ranges `[from, to)` below `end` in which `after` differs from `before` and that no range of `allowed` holds. */
export function changedOutside(before: Buffer, after: Buffer, end: number, allowed: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < end; i++) {
    if (before[i] === after[i]) continue;
    let j = i;
    while (j < end && before[j] !== after[j]) j++;
    if (!allowed.some(([a, b]) => a <= i && j <= b)) out.push([i, j]);
    i = j;
  }
  return out;
}
