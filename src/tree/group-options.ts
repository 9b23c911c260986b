/**
 * The options of a group's methods, with pypet's names, and the specs that check them. Apart from
 * `group.ts` so that the class reads as its methods; the types are public (re-exported there).
 */
import { optionNames, type OptionSpec } from '../options.js';

/** Options of {@link NNGroupNode.f_get}. */
export interface GetOptions {
  /** Return a parameter's value (or a result's single same-named item) instead of the leaf. */
  fast_access?: boolean;
  /** Allow hopping over groups (default true). */
  shortcuts?: boolean;
  /** Deepest level a shortcut may reach. */
  max_depth?: number;
  /** Match the last name and check the path backwards. */
  backwards_search?: boolean;
  /** Load missing nodes and empty leaves from storage. */
  auto_load?: boolean;
}

export const GET_OPTIONS: OptionSpec = {
  known: optionNames<GetOptions>({ fast_access: true, shortcuts: true, max_depth: true, backwards_search: true, auto_load: true }),
};
export const COMMENT_ONLY: OptionSpec = { known: ['comment'] };
export const RECURSIVE_ONLY: OptionSpec = { known: ['recursive'] };

/** Options of a group's {@link NNGroupNode.f_store} (pypet's names). */
export interface GroupStoreOptions {
  /** Store the subtree too (default true). */
  recursive?: boolean;
  /** pypet's constant: 0 nothing, 1 only nodes never stored, 2 new nodes and new items (default), 3 overwrite. */
  store_data?: 0 | 1 | 2 | 3;
  /** Deepest level below this group to store. */
  max_depth?: number;
}

/** Options of a group's {@link NNGroupNode.f_load} (pypet's names). */
export interface GroupLoadOptions {
  /** Load the subtree too (default true). */
  recursive?: boolean;
  /** pypet's load constant (default 2, data). */
  load_data?: number;
}

export const GROUP_STORE_OPTIONS: OptionSpec = { known: optionNames<GroupStoreOptions>({ recursive: true, store_data: true, max_depth: true }) };

export const GROUP_LOAD_OPTIONS: OptionSpec = {
  known: optionNames<GroupLoadOptions>({ recursive: true, load_data: true }),
  unsupported: new Map([['max_depth', 'a group loads itself or its whole subtree (recursive); load deeper parts with f_load_child']]),
};
