/**
 * What changed in a native file's writable graph since its last write, for an appending commit
 * (`append-commit.ts`): every changed object with all its ancestors, and per changed group the
 * names of its links added or changed. A change that the append path cannot follow (through a
 * soft link, or to an object with several hard links) asks for a whole rewrite instead.
 */
import { type NGroup, type NLink, type NNode, storedAt } from './model.js';
import { StoredGroupLinks } from './stored-group-links.js';
import { StoredLink, multiLinkedNodes } from './stored-objects.js';

/**
 * Only objects already stored ({@link storedAt}) are recorded: a new object has no version to
 * reuse, so the commit writes it anyway (it is reached through its stored ancestors, which are
 * recorded), and a new group's links are all written and looked at. Recording every new object
 * and name (a store of 100k runs creates 600k) made Sets and Maps of up to 5 MB that lived until
 * the next commit, each growth leaving its old table as old-generation garbage (~55 MB of the
 * peak of a 100k-run W1 store).
 */
export class ChangeSet {
  /** The stored objects changed since the last write, with all their stored ancestors. */
  readonly objects = new Set<NNode>();
  /** Per changed stored group, the names of its links added or changed since the last write. */
  readonly names = new Map<NGroup, Set<string>>();
  /**
   * A change went through a soft link, so its ancestors are unknown, or changed an object with
   * several hard links: the next write is whole.
   */
  mustRewrite = false;
  /** The group {@link mark} marked last, with its path (marked up to the root, since the last write). */
  private lastMarked: { path: string; group: NGroup } | undefined;

  /** `linkAt` finds the link a path names in the graph (the file's own look-up, cached). */
  constructor(private readonly linkAt: (path: string) => NLink | undefined) {}

  /** After a write (appended or whole): the objects are stored; {@link names} stays for eviction until cleared. */
  written(): void {
    this.objects.clear();
    this.lastMarked = undefined;
    this.mustRewrite = false;
  }

  /**
   * Records the object at `path` (or, for a name about to be linked, its parent) and its
   * ancestors as changed, and in each of them the name of the link leading on.
   */
  mark(root: NGroup, path: string): void {
    const changed = this.objects;
    // Storing writes many objects below one group in a row: its path up is marked already.
    const cut = path.lastIndexOf('/');
    const last = this.lastMarked;
    if (last !== undefined && cut > 0 && last.path.length === cut && path.startsWith(last.path)) {
      this.markChild(last.group, path, cut + 1);
      return;
    }
    if (storedAt.has(root)) changed.add(root);
    let parent: NNode = root;
    for (let from = 1; from < path.length; ) {
      const i = path.indexOf('/', from);
      const end = i < 0 ? path.length : i;
      if (end > from) {
        if (parent.kind === 'group') this.nameChanged(parent, path.slice(from, end));
        const link = this.linkAt(path.slice(0, end));
        if (link === undefined) return;
        if (link.kind !== 'hard') {
          this.mustRewrite = true;
          return;
        }
        const node = this.changing(parent, path.slice(from, end), link);
        if (storedAt.has(node)) changed.add(node);
        parent = node;
        if (end === cut && node.kind === 'group') this.lastMarked = { path: path.slice(0, cut), group: node };
      }
      from = end + 1;
    }
  }

  /** {@link mark} of the child named from `from` on in `path`, below `group`, whose path up is marked. */
  private markChild(group: NGroup, path: string, from: number): void {
    const name = path.slice(from);
    if (name === '') return;
    this.nameChanged(group, name);
    const link = group.links.get(name);
    if (link === undefined) return;
    if (link.kind !== 'hard') this.mustRewrite = true;
    else {
      const node = this.changing(group, name, link);
      if (storedAt.has(node)) this.objects.add(node);
    }
  }

  /** Records that the link `name` of `group` is added or changed, when `group` is stored. */
  private nameChanged(group: NGroup, name: string): void {
    if (!storedAt.has(group)) return;
    let names = this.names.get(group);
    if (names === undefined) this.names.set(group, (names = new Set()));
    names.add(name);
  }

  /**
   * The object the link `name` of `parent` leads to, which is about to change: one kept on disk
   * is held by its link, and the link by its group, until the next write.
   */
  private changing(parent: NNode, name: string, link: NLink & { kind: 'hard' }): NNode {
    if (!(link instanceof StoredLink)) return link.node;
    const node = link.pin();
    if (multiLinkedNodes.has(node)) this.mustRewrite = true;
    if (parent.kind === 'group' && parent.links instanceof StoredGroupLinks) parent.links.set(name, link);
    return node;
  }
}
