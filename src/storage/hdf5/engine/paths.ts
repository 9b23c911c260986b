/** HDF5 path helpers (absolute paths with `/` separators). */

/** `/a/b/c` → `/a/b`; `/a` → `/`. */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** `/a/b/c` → `c`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins HDF5 path parts: `joinPath('/t', 'a/b')` → `/t/a/b`. */
export function joinPath(...parts: string[]): string {
  // A loop, and the regular expression only when needed: storing a run joins a few dozen paths.
  let s = '';
  for (const p of parts) if (p !== '') s = s === '' ? p : `${s}/${p}`;
  if (s.includes('//')) s = s.replace(/\/+/g, '/');
  return s.startsWith('/') ? s : `/${s}`;
}
