/**
 * A group's links (pypet's `f_add_link`). Shortcut search finds links at the place they hang, so
 * the root keeps an index of the groups holding each link name; this Map reports every link added
 * or removed to it, whoever changes the map (the tree, loading, merging).
 */
import type { GroupRoot, NNGroupNode } from './group.js';
import { nodeState, type NNNode } from './node.js';

/** A group's links; adding or removing one keeps the root's link index current. */
export class LinkMap extends Map<string, NNNode> {
  readonly #owner: NNGroupNode;

  constructor(owner: NNGroupNode) {
    super();
    this.#owner = owner;
  }

  override set(name: string, target: NNNode): this {
    const added = !this.has(name);
    super.set(name, target);
    if (added) (nodeState(this.#owner).root as GroupRoot | undefined)?._linkAdded(this.#owner, name);
    return this;
  }

  override delete(name: string): boolean {
    const had = super.delete(name);
    if (had) (nodeState(this.#owner).root as GroupRoot | undefined)?._linkRemoved(this.#owner, name);
    return had;
  }

  override clear(): void {
    for (const name of [...this.keys()]) this.delete(name);
  }
}
