/**
 * pypet's HDF5 storage settings (the arguments of pypet's `HDF5StorageService`): the 16
 * `config.hdf5.*` leaves pypet adds to every trajectory that gets an HDF5 service
 * (`_srvc_set_config`), reading them back from the trajectory before a store
 * (`_srvc_check_hdf_properties`), and the `overview/hdf5_settings` row that mirrors them.
 */
import { InvalidArgumentError } from '../../../errors.js';
import type { Trajectory } from '../../../trajectory/trajectory.js';
import { type H5File, joinPath } from '../engine/h5file.js';
import { I32, U8, fixedString } from '../engine/h5types.js';
import { type TableColumn, createTable, numberColumn, readTable, textColumn } from './table.js';
import { nodeState, type NNNode } from '../../../tree/node.js';

/** The overview tables pypet can write, in pypet's order (`NAME_TABLE_MAPPING`). */
export const OVERVIEW_TABLES = [
  'config_overview',
  'parameters_overview',
  'derived_parameters_overview',
  'results_overview',
  'explored_parameters_overview',
  'derived_parameters_summary',
  'results_summary',
] as const;
export type OverviewTable = (typeof OVERVIEW_TABLES)[number];

/** The settings, named as pypet's config leaves and `hdf5_settings` columns. */
export interface Hdf5Settings {
  complib: string;
  complevel: number;
  shuffle: boolean;
  fletcher32: boolean;
  pandas_format: string;
  encoding: string;
  purge_duplicate_comments: boolean;
  results_per_run: number;
  derived_parameters_per_run: number;
  /** Which overview tables to write (`config.hdf5.overview.<table>`). */
  overview: Record<OverviewTable, boolean>;
}

/**
 * Options of `new HDF5StorageService(filename, options)`, pypet's keyword arguments of the same
 * names and defaults. h5traj itself writes uncompressed data (see the README); `complib`,
 * `complevel`, `shuffle`, `fletcher32` and `pandas_format` are recorded for pypet, which uses
 * them when it appends to the file.
 */
export interface Hdf5ServiceOptions {
  encoding?: string;
  complevel?: number;
  complib?: string;
  shuffle?: boolean;
  fletcher32?: boolean;
  pandas_format?: string;
  /** Write a repeated comment of results and derived parameters only on the first leaf (needs `summary_tables`). */
  purge_duplicate_comments?: boolean;
  /** `results_summary` and `derived_parameters_summary` (one row per distinct comment). */
  summary_tables?: boolean;
  /** `config_overview`, `parameters_overview`, `explored_parameters_overview`. */
  small_overview_tables?: boolean;
  /** `results_overview`, `derived_parameters_overview` (a row per leaf, at most 1000). */
  large_overview_tables?: boolean;
  results_per_run?: number;
  derived_parameters_per_run?: number;
}

/** The option names, for the option check of the service's constructor. */
export const HDF5_SERVICE_OPTIONS: readonly (keyof Hdf5ServiceOptions)[] = [
  'encoding', 'complevel', 'complib', 'shuffle', 'fletcher32', 'pandas_format', 'purge_duplicate_comments',
  'summary_tables', 'small_overview_tables', 'large_overview_tables', 'results_per_run', 'derived_parameters_per_run',
];

/**
 * The settings for the options, with pypet's defaults.
 * @throws InvalidArgumentError for purge_duplicate_comments without summary tables (as pypet).
 */
export function resolveSettings(o: Hdf5ServiceOptions = {}): Hdf5Settings {
  const summary = o.summary_tables ?? true;
  const small = o.small_overview_tables ?? true;
  const large = o.large_overview_tables ?? false;
  const purge = o.purge_duplicate_comments ?? true;
  if (purge && !summary) {
    throw new InvalidArgumentError(
      'purge_duplicate_comments needs the summary tables (they record which comments are written); pass summary_tables: true or purge_duplicate_comments: false.',
    );
  }
  return {
    complib: o.complib ?? 'zlib',
    complevel: o.complevel ?? 9,
    shuffle: o.shuffle ?? true,
    fletcher32: o.fletcher32 ?? false,
    pandas_format: o.pandas_format ?? 'fixed',
    encoding: o.encoding ?? 'utf8',
    purge_duplicate_comments: purge,
    results_per_run: o.results_per_run ?? 0,
    derived_parameters_per_run: o.derived_parameters_per_run ?? 0,
    overview: {
      config_overview: small,
      parameters_overview: small,
      derived_parameters_overview: large,
      results_overview: large,
      explored_parameters_overview: small,
      derived_parameters_summary: summary,
      results_summary: summary,
    },
  };
}

/** One config leaf: name below `config.hdf5`, value, comment, and pypet's Python type. */
interface ConfigLeaf {
  name: string;
  value: (s: Hdf5Settings) => string | number | boolean;
  comment: string;
}

const PER_RUN_COMMENT = ', a good guess can increase storage performance';

/** pypet's `_srvc_set_config`, in its order, with its comments word for word. */
const CONFIG_LEAVES: readonly ConfigLeaf[] = [
  ...OVERVIEW_TABLES.map((t) => ({ name: `overview.${t}`, value: (s: Hdf5Settings) => s.overview[t], comment: 'Whether or not to have an overview table with that name' })),
  {
    name: 'purge_duplicate_comments',
    value: (s) => s.purge_duplicate_comments,
    comment: 'Whether comments of results and derived parameters should only be stored for the very first instance. Works only if the summary tables are active.',
  },
  { name: 'results_per_run', value: (s) => s.results_per_run, comment: `Expected number of results per run${PER_RUN_COMMENT}` },
  { name: 'derived_parameters_per_run', value: (s) => s.derived_parameters_per_run, comment: `Expected number of derived parameters per run${PER_RUN_COMMENT}` },
  { name: 'complevel', value: (s) => s.complevel, comment: 'Compression Level (0 no compression to 9 highest compression)' },
  { name: 'complib', value: (s) => s.complib, comment: 'Compression Algorithm' },
  { name: 'encoding', value: (s) => s.encoding, comment: 'Encoding for unicode characters' },
  { name: 'fletcher32', value: (s) => s.fletcher32, comment: 'Whether to use fletcher 32 checksum' },
  { name: 'shuffle', value: (s) => s.shuffle, comment: 'Whether to use shuffle filtering.' },
  { name: 'pandas_format', value: (s) => s.pandas_format, comment: "How to store pandas data frames, either 'fixed' ('f') or 'table' ('t')." },
];

const GROUP_COMMENT = 'Settings for the standard HDF5 storage service';

/**
 * Adds the `config.hdf5.*` leaves a trajectory gets from its HDF5 service, as pypet does when a
 * service is created for a trajectory that is not stored yet: leaves that exist are kept (a
 * loaded trajectory keeps the file's), integers are Python ints, and `config.hdf5` gets pypet's
 * group comment if it has none.
 */
export function addConfigLeaves(traj: Trajectory, settings: Hdf5Settings, explicit = false): void {
  if (traj.v_stored) return;
  const defaults = explicit ? resolveSettings({}) : settings;
  for (const leaf of CONFIG_LEAVES) {
    const full = `config.hdf5.${leaf.name}`;
    if (traj.f_contains(full, { shortcuts: false })) {
      if (explicit) applyExplicit(traj, full, leaf.value(settings), leaf.value(defaults));
      continue;
    }
    const value = leaf.value(settings);
    traj.f_add_config(`hdf5.${leaf.name}`, value, typeof value === 'number' ? { dtype: 'int', comment: leaf.comment } : { comment: leaf.comment });
  }
  const group = traj.f_get('config.hdf5', { shortcuts: false }) as { v_comment: string };
  if (group.v_comment === '') group.v_comment = GROUP_COMMENT;
}

/**
 * A service given explicit options replaces a leaf that still holds the default an earlier
 * service added (never stored); a leaf set to something else by the user is a conflict, raised
 * rather than silently leaving one of the two in force.
 */
function applyExplicit(traj: Trajectory, full: string, wanted: string | number | boolean, dflt: string | number | boolean): void {
  const leaf = traj.f_get<NNNode & { f_get(): unknown; f_set(v: unknown): void }>(full, { shortcuts: false });
  if (nodeState(leaf).stored) return;
  const have = leaf.f_get();
  const same = (a: unknown, b: unknown): boolean => (typeof b === 'number' || typeof b === 'boolean' ? Number(a) === Number(b) : a === b);
  if (same(have, wanted)) return;
  if (!same(have, dflt)) {
    throw new InvalidArgumentError(
      `The trajectory's '${full}' is ${String(have)}, but the storage options ask for ${String(wanted)}; change one of the two.`,
      { path: full },
    );
  }
  leaf.f_set(wanted);
}

/**
 * The settings a trajectory asks for (pypet's `_srvc_check_hdf_properties`): its `config.hdf5`
 * leaves where present, else `fallback`.
 */
export function settingsOf(traj: Trajectory, fallback: Hdf5Settings): Hdf5Settings {
  const get = <T>(name: string, dflt: T): T => {
    const full = `config.hdf5.${name}`;
    if (!traj.f_contains(full, { shortcuts: false })) return dflt;
    const v = (traj.f_get(full, { shortcuts: false, fast_access: true }) as unknown) ?? dflt;
    return (typeof dflt === 'number' && typeof v === 'bigint' ? Number(v) : v) as T;
  };
  const overview = { ...fallback.overview };
  for (const t of OVERVIEW_TABLES) overview[t] = Boolean(get(`overview.${t}`, fallback.overview[t]));
  return {
    complib: String(get('complib', fallback.complib)),
    complevel: Number(get('complevel', fallback.complevel)),
    shuffle: Boolean(get('shuffle', fallback.shuffle)),
    fletcher32: Boolean(get('fletcher32', fallback.fletcher32)),
    pandas_format: String(get('pandas_format', fallback.pandas_format)),
    encoding: String(get('encoding', fallback.encoding)),
    purge_duplicate_comments: Boolean(get('purge_duplicate_comments', fallback.purge_duplicate_comments)),
    results_per_run: Number(get('results_per_run', fallback.results_per_run)),
    derived_parameters_per_run: Number(get('derived_parameters_per_run', fallback.derived_parameters_per_run)),
    overview,
  };
}

// ---------------------------------------------------------------------------------------------
// overview/hdf5_settings

const settingsPath = (traj: string) => joinPath('/', traj, 'overview', 'hdf5_settings');

/** The columns in pypet's stored order; booleans are uint8 (PyTables' b8 reads the same in pypet). */
const SETTINGS_COLUMNS: TableColumn[] = [
  { name: 'complib', type: fixedString(7) },
  { name: 'complevel', type: I32 },
  { name: 'shuffle', type: U8 },
  { name: 'fletcher32', type: U8 },
  { name: 'pandas_format', type: fixedString(7) },
  { name: 'encoding', type: fixedString(11) },
  ...OVERVIEW_TABLES.map((name) => ({ name, type: U8 })),
  { name: 'purge_duplicate_comments', type: U8 },
  { name: 'results_per_run', type: I32 },
  { name: 'derived_parameters_per_run', type: I32 },
];

/**
 * Writes `overview/hdf5_settings` (one row) unless the file has it already: pypet reads it when
 * it loads the trajectory and appends with these settings.
 */
export function writeHdf5Settings(f: H5File, traj: string, s: Hdf5Settings): void {
  const path = settingsPath(traj);
  if (f.exists(path)) return;
  f.ensureGroup(joinPath('/', traj, 'overview'));
  const row: Record<string, unknown[]> = {
    complib: [s.complib], complevel: [s.complevel], shuffle: [+s.shuffle], fletcher32: [+s.fletcher32],
    pandas_format: [s.pandas_format], encoding: [s.encoding], purge_duplicate_comments: [+s.purge_duplicate_comments],
    results_per_run: [s.results_per_run], derived_parameters_per_run: [s.derived_parameters_per_run],
  };
  for (const t of OVERVIEW_TABLES) row[t] = [+s.overview[t]];
  createTable(f, path, SETTINGS_COLUMNS, row, { title: 'hdf5_settings' });
}

/**
 * Reads `overview/hdf5_settings` (pypet's `_srvc_load_hdf5_settings`); columns or a table that
 * are missing take pypet's defaults, as pypet does (it only warns).
 */
export function readHdf5Settings(f: H5File, traj: string): Hdf5Settings {
  const s = resolveSettings();
  const path = settingsPath(traj);
  if (f.typeOf(path) !== 'dataset') return s;
  const t = readTable(f, path);
  if (t.nrows < 1) return s;
  const num = (c: string, d: number) => (c in t.columns ? (numberColumn(t, c)[0] ?? d) : d);
  const text = (c: string, d: string) => (c in t.columns ? (textColumn(t, c)[0] ?? d) : d);
  const flag = (c: string, d: boolean) => (c in t.columns ? Boolean(t.columns[c]![0]) : d);
  for (const name of OVERVIEW_TABLES) s.overview[name] = flag(name, s.overview[name]);
  return {
    ...s,
    complib: text('complib', s.complib),
    complevel: num('complevel', s.complevel),
    shuffle: flag('shuffle', s.shuffle),
    fletcher32: flag('fletcher32', s.fletcher32),
    pandas_format: text('pandas_format', s.pandas_format),
    encoding: text('encoding', s.encoding),
    purge_duplicate_comments: flag('purge_duplicate_comments', s.purge_duplicate_comments),
    results_per_run: num('results_per_run', s.results_per_run),
    derived_parameters_per_run: num('derived_parameters_per_run', s.derived_parameters_per_run),
  };
}
