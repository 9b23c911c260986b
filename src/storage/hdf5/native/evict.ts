/**
 * Moving committed objects of a writable graph out of memory and back (see `stored-objects.ts`).
 *
 * After an appending commit every object of the graph is on disk at its {@link storedAt}
 * address. {@link evictCommitted} then links the members of big groups (the run groups of
 * `results.runs`, with everything below them) by address instead of holding them; what stays in
 * memory is the top of the tree a commit goes through (the trajectory's groups, parameters and
 * overview tables). {@link materialize} reads everything back, for a write of the whole file.
 */
import type { NDataset, NGroup, NLink, NNode } from './model.js';
import { storedAt } from './model.js';
import { StoredLink, type StoredObjects } from './stored-objects.js';
import { StoredGroupLinks } from './stored-group-links.js';
import type { WrittenAddresses } from './write/plan.js';

/**
 * Big groups whose links were all looked at once: since then their links are all on-disk links
 * except those a commit named (links are added or changed only through the file, which names them).
 */
const scanned = new WeakSet<NGroup>();

/**
 * Replaces the hard links of big groups (more than {@link StoredObjects.manyLinks} links) whose
 * objects are stored by on-disk links, calls `kept` on every dataset left in memory, and returns
 * the sum of what it returns (the bytes of their contents still held). With `changedNames`, only
 * the named links of each big group are looked at (the others are on-disk links already);
 * without, all of them. `written` (see {@link WrittenAddresses}) has the addresses of a write
 * that left them out of {@link storedAt}: those of the objects that stay are recorded there.
 * @throws Error when an object of the graph has no stored address (the graph was not written).
 */
export function evictCommitted(
  root: NGroup,
  stored: StoredObjects,
  changedNames: ReadonlyMap<NGroup, ReadonlySet<string>> | undefined,
  kept: (dataset: NDataset) => number,
  written?: WrittenAddresses,
): number {
  let held = 0;
  const stack: { group: NGroup; prefix: string }[] = [{ group: root, prefix: '/' }];
  const seen = new Set<NNode>();
  // The objects that stay in memory get their address in storedAt (for the next commit to link
  // them when unchanged); those that leave are reached through their links' addresses.
  const stays = (node: NNode): void => {
    const address = written?.get(node)?.address;
    if (address !== undefined) storedAt.set(node, address);
  };
  const addressOf = (node: NNode, path: string): number => {
    const address = written?.get(node)?.address ?? storedAt.get(node);
    if (address === undefined) throw new Error(`the object '${path}' was committed but has no stored address`);
    return address;
  };
  while (stack.length > 0) {
    const { group, prefix } = stack.pop()!;
    stays(group);
    if (group.links.size > stored.manyLinks) {
      // Stored as a symbol table (as the writer stores big groups): its links are found on disk.
      const table = stored.symbolTable(addressOf(group, prefix));
      if (table !== undefined) {
        if (group.links instanceof StoredGroupLinks) group.links.committed(table);
        else group.links = new StoredGroupLinks(stored, prefix, table, group.links.size);
        continue;
      }
      const all = changedNames === undefined || !scanned.has(group);
      scanned.add(group);
      const names = all ? [...group.links.keys()] : changedNames.get(group)?.values();
      for (const name of names ?? []) {
        const link = group.links.get(name);
        if (link?.kind !== 'hard' || (link instanceof StoredLink && link.pinned === undefined)) continue;
        group.links.set(name, stored.link(addressOf(linked(link), prefix + name), prefix, name));
      }
      continue;
    }
    for (const [name, link] of group.links) {
      if (link.kind !== 'hard' || (link instanceof StoredLink && link.pinned === undefined)) continue;
      const node = linked(link);
      if (seen.has(node)) continue;
      seen.add(node);
      if (node.kind === 'group') stack.push({ group: node, prefix: `${prefix}${name}/` });
      else {
        stays(node);
        held += kept(node);
      }
    }
  }
  return held;
}

/** Reads every object kept on disk back into the graph (pinned to its link), for a whole rewrite. */
export function materialize(root: NGroup): void {
  const stack: NGroup[] = [root];
  const seen = new Set<NNode>([root]);
  while (stack.length > 0) {
    const group = stack.pop()!;
    if (group.links instanceof StoredGroupLinks) group.links = new Map(group.links);
    for (const link of group.links.values()) {
      if (link.kind !== 'hard') continue;
      const node = link instanceof StoredLink ? link.pin() : link.node;
      if (node.kind !== 'group' || seen.has(node)) continue;
      seen.add(node);
      stack.push(node);
    }
  }
}

/** Objects reached from `root` without following a link to an object kept on disk (pinned ones count). */
export function countHeld(root: NGroup): number {
  const stack: NGroup[] = [root];
  const seen = new Set<NNode>([root]);
  while (stack.length > 0) {
    const links = stack.pop()!.links;
    for (const link of (links instanceof StoredGroupLinks ? links.held : links).values()) {
      if (link.kind !== 'hard' || (link instanceof StoredLink && link.pinned === undefined)) continue;
      const node = linked(link);
      if (seen.has(node)) continue;
      seen.add(node);
      if (node.kind === 'group') stack.push(node);
    }
  }
  return seen.size;
}

const linked = (link: NLink & { kind: 'hard' }): NNode => (link instanceof StoredLink ? link.pinned! : link.node);
