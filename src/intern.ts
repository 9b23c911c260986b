/**
 * One copy of short strings that repeat across a million objects: a node's own name (`out` in
 * every run), recall type names read from attributes (`float`), the values of a string parameter
 * explored over few choices. Each decoded copy would otherwise cost ~24 bytes per run. The table
 * is bounded: when full it starts again, so a stream of distinct strings costs nothing lasting.
 */

/** Strings longer than this are returned as they are (they rarely repeat, and hashing them costs). */
const MAX_LENGTH = 24;
const MAX_ENTRIES = 4096;
let table = new Map<string, string>();

/** `s`, or an equal string seen before (the same object each time while it stays in the table). */
export function internShort(s: string): string {
  if (s.length > MAX_LENGTH) return s;
  const seen = table.get(s);
  if (seen !== undefined) return seen;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}
