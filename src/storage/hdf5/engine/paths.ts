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
  const s = parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/');
  return s.startsWith('/') ? s : `/${s}`;
}
