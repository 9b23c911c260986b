/**
 * Why the native reader makes what it parses with class constructors and array builtins, and
 * never with object or array literals.
 *
 * V8 pretenures an allocation site: when most objects of one object or array literal (or `new
 * Array`) have survived the scavenges that saw them, later objects of that site are made in the
 * old generation directly, and nothing turns that back. Opening a file keeps the first objects it
 * parses (the metadata cache), which teaches every literal of the parser that its objects live.
 * A scan over a million runs then made each run's link records, link stores and dataset
 * descriptions in the old generation as garbage that only a full collection frees, and the young
 * strings they pointed to were promoted with them: W2 at 1M runs (issue 13) peaked at 1.5 GB in
 * two runs of three, 0.6 GB in the third, depending on when V8 had made that decision.
 *
 * Class instances (`new C`), Maps, and arrays made by builtins (`slice`, `Array.from`, `map`)
 * carry no allocation site and start young. `test/storage/hdf5/native/young-parse.test.ts`
 * trains V8 as opening a file does and checks that a fresh parse makes nothing old.
 */

/**
 * The first `n` entries of `scratch` (all by default) as a new array made young (see above), of
 * exactly that length: what a parse keeps (a shape, a group's links) is filled in a reused scratch
 * list and copied out, since an array filled by `push` keeps spare room (16 slots and more), which
 * every object a metadata cache holds would carry.
 */
export function youngCopy<T>(scratch: readonly T[], n = scratch.length): T[] {
  return scratch.slice(0, n);
}

/**
 * A new empty array to push to, made young (see above): `[]` is a literal site. For lists dropped
 * after use, or long ones, whose spare room is at most half of them.
 */
export function youngList<T>(): T[] {
  return Array.of<T>();
}
