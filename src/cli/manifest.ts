/**
 * A loaded trajectory in the manifest format of the pypet reference files
 * (`test/fixtures/pypet/README.md`): what `h5traj dump --json` prints.
 */
import { BaseParameter } from '../leaves/parameter.js';
import { NDArray } from '../values/ndarray.js';
import { Result } from '../leaves/result.js';
import { toManifestValue, type ManifestValue } from './manifest-values.js';
import { groupState, type NNGroupNode } from '../tree/group.js';
import { nodeState, type NNNode } from '../tree/node.js';
import type { Trajectory } from '../trajectory/trajectory.js';

const byName = (a: { full_name: string }, b: { full_name: string }) => (a.full_name < b.full_name ? -1 : a.full_name > b.full_name ? 1 : 0);

function annotations(node: NNNode): Record<string, ManifestValue> {
  const ann = nodeState(node).annotations;
  return Object.fromEntries((ann?.typedEntries() ?? []).map(([k, v]) => [k, toManifestValue(v)]));
}

function leafEntry(leaf: NNNode): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    full_name: leaf.v_full_name,
    branch: leaf.v_branch,
    class_name: leaf.f_get_class_name(),
    is_parameter: leaf instanceof BaseParameter,
    comment: leaf.v_comment,
    annotations: annotations(leaf),
  };
  if (leaf instanceof BaseParameter) {
    const value = leaf._typedDefault();
    entry.empty = value === undefined;
    entry.explored = leaf.v_explored;
    if (value) {
      entry.value = toManifestValue(value);
      if (leaf.v_explored) {
        entry.explored_range = leaf.f_get_range(false).map((v) =>
          toManifestValue({ value: v, type: v instanceof NDArray ? { kind: 'ndarray', dtype: v.dtype } : value.type }),
        );
      }
    }
  } else if (leaf instanceof Result) {
    entry.empty = leaf.f_is_empty();
    entry.items = Object.fromEntries(leaf._typedItems().map(([k, v]) => [k, toManifestValue(v)]));
  }
  return entry;
}

function isBareBranch(g: NNGroupNode): boolean {
  return !g.f_has_children() && groupState(g).links.size === 0 && g.v_comment === '' && Object.keys(annotations(g)).length === 0;
}

/** The manifest of one loaded trajectory. */
export function trajectoryManifest(traj: Trajectory): Record<string, unknown> {
  const groups: { full_name: string }[] = [];
  const leaves: { full_name: string }[] = [];
  const links: { location: string; name: string; target: string }[] = [];
  const visit = (g: NNGroupNode): void => {
    for (const [name, target] of groupState(g).links) links.push({ location: g.v_full_name, name, target: target.v_full_name });
    for (const child of groupState(g).children.values()) {
      if (child.v_is_leaf) leaves.push(leafEntry(child) as { full_name: string });
      else if (g.v_is_root && isBareBranch(child as NNGroupNode) && !child.v_stored) {
        // pypet creates branch groups only when something is added to them; an empty one is
        // listed only when the file has it (pypet's merge leaves an empty derived_parameters).
      } else {
        groups.push({ full_name: child.v_full_name, class_name: child.f_get_class_name(), comment: child.v_comment, annotations: annotations(child) } as { full_name: string });
        visit(child as NNGroupNode);
      }
    }
  };
  visit(traj);
  return {
    trajectory: {
      name: traj.v_name,
      comment: traj.v_comment,
      time: traj.v_time,
      timestamp: traj.v_timestamp,
      version: traj.v_version,
      python: traj.v_python,
      length: traj.v_length,
      annotations: annotations(traj),
    },
    explored_parameters: Object.keys(traj.f_get_explored_parameters()),
    run_names: traj.f_get_run_names(),
    run_information: traj.f_get_run_names().map((n) => traj.f_get_run_information(n)),
    groups: groups.sort(byName),
    links: links.sort((a, b) => (`${a.location}.${a.name}` < `${b.location}.${b.name}` ? -1 : 1)),
    leaves: leaves.sort(byName),
  };
}
