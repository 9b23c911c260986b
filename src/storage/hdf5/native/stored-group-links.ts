/**
 * The links of a big committed group of a writable graph, kept on disk (issue 13: bounded writer
 * memory). A trajectory's `results.runs` has a link per run; held as a Map of link objects it
 * costs ~150 bytes a run, 150 MB at a million. Stored as an old-style group (symbol table), its
 * links are found on disk instead, by binary search as libhdf5 does (`findInSymbolTable`), and an
 * appending commit adds names to the table's rightmost path (`write/symbol-table-append.ts`) without
 * listing it. Only the links added, or about to change, since the last commit are in memory
 * ({@link StoredGroupLinks.held}). Listing all links reads the table.
 */
import { StateError } from '../../../errors.js';
import type { NLink } from './model.js';
import { countSymbolTable, findInSymbolTable, lastNameInSymbolTable, symbolTableLinks } from './read/symbol-table.js';
import type { StoredObjects } from './stored-objects.js';

/** Where a group's symbol table is (its Symbol Table message). */
export interface SymbolTableAddress {
  btree: number;
  heap: number;
}

/** A group's links: those of its stored symbol table, and those {@link held} in memory. */
export class StoredGroupLinks extends Map<string, NLink> {
  /** Links added, or held to be changed, since the last commit; they win over stored ones. */
  readonly held = new Map<string, NLink>();
  private count: number | undefined;
  /** The table's greatest name (null: none), read once per table: names added in order are checked against it alone. */
  private last: Buffer | null | undefined;

  /**
   * @param prefix the group's path, ending in '/'
   * @param count how many links the table holds, when known (else counted when first asked)
   */
  constructor(
    private readonly objects: StoredObjects,
    private readonly prefix: string,
    private table: SymbolTableAddress,
    count?: number,
  ) {
    super();
    this.count = count;
  }

  /** After a commit wrote the group with its links in the table at `table`: nothing is held any more. */
  committed(table: SymbolTableAddress): void {
    const size = this.size;
    this.table = table;
    this.last = undefined;
    this.held.clear();
    this.count = size;
  }

  /** The stored link named `name`, or undefined. */
  private find(name: string): NLink | undefined {
    const source = this.objects.source();
    if (this.last === undefined) this.last = lastNameInSymbolTable(source, this.table.btree, this.table.heap) ?? null;
    if (this.last === null || Buffer.compare(Buffer.from(name, 'utf8'), this.last) > 0) return undefined;
    const link = findInSymbolTable(this.objects.source(), this.table.btree, this.table.heap, name);
    if (link === undefined || link.kind !== 'hard') return link;
    return this.objects.link(link.addr, this.prefix, name);
  }

  /** All links: the stored ones in name order (held ones in their place), then the new ones. */
  private *all(): MapIterator<[string, NLink]> {
    const seen = new Set<string>();
    for (const { name, link } of symbolTableLinks(this.objects.source(), this.table.btree, this.table.heap)) {
      const held = this.held.get(name);
      if (held !== undefined) seen.add(name);
      yield [name, held ?? (link.kind === 'hard' ? this.objects.link(link.addr, this.prefix, name) : link)];
    }
    for (const entry of this.held) if (!seen.has(entry[0])) yield entry;
  }

  override get size(): number {
    if (this.count === undefined) {
      let added = 0;
      for (const name of this.held.keys()) if (this.find(name) === undefined) added++;
      this.count = countSymbolTable(this.objects.source(), this.table.btree) + added;
    }
    return this.count;
  }

  override get(name: string): NLink | undefined {
    return this.held.get(name) ?? this.find(name);
  }

  override has(name: string): boolean {
    return this.held.has(name) || this.find(name) !== undefined;
  }

  override set(name: string, link: NLink): this {
    if (this.count !== undefined && !this.held.has(name) && this.find(name) === undefined) this.count++;
    this.held.set(name, link);
    return this;
  }

  override *keys(): MapIterator<string> {
    for (const [name] of this.all()) yield name;
  }

  override *values(): MapIterator<NLink> {
    for (const [, link] of this.all()) yield link;
  }

  override entries(): MapIterator<[string, NLink]> {
    return this.all();
  }

  override [Symbol.iterator](): MapIterator<[string, NLink]> {
    return this.all();
  }

  override forEach(fn: (value: NLink, key: string, map: Map<string, NLink>) => void, thisArg?: unknown): void {
    for (const [name, link] of this.all()) fn.call(thisArg, link, name, this);
  }

  override delete(name: string): boolean {
    throw new StateError(`Cannot remove the link '${this.prefix}${name}': links of a stored group are only added.`);
  }

  override clear(): void {
    throw new StateError(`Cannot remove the links of '${this.prefix}': links of a stored group are only added.`);
  }
}
