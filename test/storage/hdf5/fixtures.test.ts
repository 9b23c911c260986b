/**
 * Reads every pypet reference file and compares it with the manifest pypet itself produced
 * (`test/fixtures/pypet/*.json`): trajectory info, runs, explorations, groups, links, and every
 * leaf's class, comment, annotations and values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openH5 } from '../../../src/storage/hdf5/engine/open-file.js';
import { type ManifestValue, parseManifest, toManifestValue } from '../../../src/cli/manifest-values.js';
import { type NodeRecord, listTrajectories, readLeaf, readNodeRecord, scanTree } from '../../../src/storage/hdf5/layout/nodes.js';
import { readExplorations, readInfo, readRuns } from '../../../src/storage/hdf5/layout/overview.js';

const DIR = fileURLToPath(new URL('../../fixtures/pypet/', import.meta.url));

interface ManifestLeaf {
  full_name: string;
  class_name: string;
  comment: string;
  annotations: Record<string, ManifestValue>;
  value?: ManifestValue;
  explored_range?: ManifestValue[];
  items?: Record<string, ManifestValue>;
}
interface Manifest {
  trajectories_in_file: string[];
  trajectory: { name: string; comment: string; time: string; timestamp: number; version: string; python: string; length: number; annotations: Record<string, ManifestValue> };
  explored_parameters: string[];
  run_information: Record<string, unknown>[];
  groups: { full_name: string; class_name: string; comment: string; annotations: Record<string, ManifestValue> }[];
  links: { location: string; name: string; target: string }[];
  leaves: ManifestLeaf[];
}

const DEFAULT_GROUP_CLASS: Record<string, string> = {
  config: 'ConfigGroup', parameters: 'ParameterGroup', derived_parameters: 'DerivedParameterGroup', results: 'ResultGroup',
};

/**
 * Compares our value with the manifest's. Pickled objects that are not plain builtins are
 * `unsupported` in h5traj (naming the class); the manifest has `object:<module>.<Class>`.
 */
function assertSameValue(ours: ManifestValue, theirs: ManifestValue, where: string): void {
  if (theirs.type.startsWith('object:') && ours.type === 'unsupported') {
    assert.is(ours.pyclass, theirs.type.slice('object:'.length), `${where}: unsupported class`);
    return;
  }
  assert.equal(ours, theirs, where);
}

for (const file of readdirSync(DIR).filter((n) => n.endsWith('.json')).sort()) {
  const raw = parseManifest(readFileSync(join(DIR, file), 'utf8')) as Manifest & { trajectories?: Record<string, Manifest> };
  const manifests: [string, Manifest][] = raw.trajectories ? Object.entries(raw.trajectories) : [[raw.trajectory.name, raw]];
  const h5file = join(DIR, file.replace(/\.json$/, '.hdf5'));

  test(`${file}: trajectories, info, runs and explorations`, async () => {
    const f = await openH5(h5file);
    try {
      assert.equal(listTrajectories(f), raw.trajectories_in_file);
      for (const [traj, m] of manifests) {
        const info = readInfo(f, traj);
        const t = m.trajectory;
        assert.equal(
          { name: info.name, comment: info.comment, time: info.time, timestamp: info.timestamp, version: info.version, python: info.python, length: info.length },
          { name: t.name, comment: t.comment, time: t.time, timestamp: t.timestamp, version: t.version, python: t.python, length: t.length },
        );
        const runs = readRuns(f, traj).map((r) => ({ ...r, completed: r.completed ? 1 : 0 }));
        assert.equal(runs, m.run_information.map((r) => ({ ...r })), `${traj}: runs`);
        assert.equal(readExplorations(f, traj).sort(), [...m.explored_parameters].sort(), `${traj}: explorations (as a set)`);
        const meta = readNodeRecord(f, `/${traj}`, '');
        assert.equal(Object.fromEntries(Object.entries(meta.annotations).map(([k, v]) => [k, toManifestValue(v)])), t.annotations, `${traj}: annotations`);
      }
    } finally {
      f.close();
    }
  });

  test(`${file}: groups, links and every leaf's class, comment, annotations and data`, async () => {
    const f = await openH5(h5file);
    try {
      for (const [traj, m] of manifests) {
        const nodes = new Map<string, NodeRecord>(scanTree(f, traj).map((n) => [n.fullName, n]));
        const annotations = (n: NodeRecord) => Object.fromEntries(Object.entries(n.annotations).map(([k, v]) => [k, toManifestValue(v)]));

        for (const g of m.groups) {
          const n = nodes.get(g.full_name);
          assert.ok(n, `${traj}: group ${g.full_name} found`);
          assert.is(n.kind, 'group', g.full_name);
          assert.is(n.className ?? DEFAULT_GROUP_CLASS[g.full_name.split('.')[0]!] ?? 'NNGroupNode', g.class_name, `${g.full_name}: class`);
          assert.is(n.comment, g.comment, `${g.full_name}: comment`);
          assert.equal(annotations(n), g.annotations, `${g.full_name}: annotations`);
        }

        const links = [...nodes.values()].filter((n) => n.kind === 'link').map((n) => [n.fullName, n.linkTarget]);
        assert.equal(links, m.links.map((l) => [`${l.location}.${l.name}`, l.target]), `${traj}: links`);

        const leaves = [...nodes.values()].filter((n) => n.kind === 'leaf').map((n) => n.fullName).sort();
        assert.equal(leaves, m.leaves.map((l) => l.full_name).sort(), `${traj}: the same leaves`);

        for (const leaf of m.leaves) {
          const n = nodes.get(leaf.full_name)!;
          const where = `${traj}: ${leaf.full_name}`;
          assert.is(n.className, leaf.class_name, `${where}: class`);
          assert.is(n.comment, leaf.comment, `${where}: comment`);
          assert.equal(annotations(n), leaf.annotations, `${where}: annotations`);
          const data = readLeaf(f, traj, leaf.full_name, n.className!);
          if (leaf.items) {
            assert.is(data.kind, 'result', where);
            if (data.kind !== 'result') continue;
            assert.equal(Object.keys(data.items).sort(), Object.keys(leaf.items).sort(), `${where}: item names`);
            for (const [k, v] of Object.entries(leaf.items)) assertSameValue(toManifestValue(data.items[k]!), v, `${where}: item ${k}`);
          } else {
            assert.is(data.kind, 'parameter', where);
            if (data.kind !== 'parameter') continue;
            assertSameValue(toManifestValue(data.value), leaf.value!, `${where}: value`);
            assert.equal(data.range?.map(toManifestValue), leaf.explored_range, `${where}: explored range`);
          }
        }
      }
    } finally {
      f.close();
    }
  });
}

test('a leaf of an unsupported pickled class is listed with its class and an unsupported value naming the class', async () => {
  const f = await openH5(join(DIR, 'results_types.hdf5'));
  try {
    const leaf = scanTree(f, 'results_types', 'parameters.pickled', false).find((n) => n.fullName === 'parameters.pickled.fraction');
    assert.is(leaf?.className, 'PickleParameter');
    const data = readLeaf(f, 'results_types', 'parameters.pickled.fraction', 'PickleParameter');
    assert.is(data.kind === 'parameter' && data.value.type.kind, 'unsupported');
    assert.match(JSON.stringify(data.kind === 'parameter' && data.value.type), /fractions\.Fraction/);
  } finally {
    f.close();
  }
});

test.run();
