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
  // Built by hand: a scan over a million runs joins ~10 paths per run, and filter/join/replace
  // allocate three times what the result needs.
  let s = '';
  for (const p of parts) {
    if (p === '') continue;
    s = s === '' || s.endsWith('/') || p.startsWith('/') ? s + p : `${s}/${p}`;
  }
  if (s.includes('//')) s = s.replace(/\/+/g, '/');
  return s.startsWith('/') ? s : `/${s}`;
}
