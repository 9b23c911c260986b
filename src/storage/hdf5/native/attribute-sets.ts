/**
 * Attributes in the native engine's writable graph, shared where they can be: pypet's layout puts
 * the same few attributes on every object (100k runs have ~500k of them), so objects share their
 * attribute values and whole attribute sets instead of each holding its own Map.
 */
import type { H5Data, WriteData } from '../engine/h5file.js';
import type { H5Type } from '../engine/h5types.js';
import type { NNode } from './model.js';

/** h5wasm's form of a variable-length UTF-8 string type (it marks them space-padded), so both engines write the same. */
const VLEN_UTF8: H5Type = { class: 'string', size: 4, vlen: true, cset: 'utf8', pad: 'spacepad' };

/**
 * One graph value per attribute value the storage layer hands in: pypet's layout writes the same
 * few attributes (`SRVC_STORE = ARRAY`, `SRVC_DATA_SCALAR_TYPE = float`, …) on every object, and
 * `stringAttr` returns one shared {@link WriteData} per text. Graph values are immutable (see
 * `intern.ts`), so objects may share one.
 */
const attrValues = new WeakMap<WriteData, H5Data>();

type Attrs = Map<string, H5Data>;

/**
 * Attribute sets that objects share. Every scalar dataset of pypet's layout carries the same
 * three attributes, and a Map costs ~190 bytes, so new objects start with one shared empty set
 * and each write of a value seen before moves them to the one shared set with that attribute
 * added ({@link withAttr}): the datasets of 100k runs end up with a handful of sets. A shared set
 * is never changed; an object copies it before it takes a value of its own or loses an attribute.
 */
const sharedAttrSets = new WeakSet<Attrs>();
const attrSetsAfter = new WeakMap<Attrs, Map<string, WeakMap<H5Data, Attrs>>>();
/** Whether `attrs` is a shared attribute set, which is never changed (so what is derived from it may be kept). */
export function isSharedAttrSet(attrs: ReadonlyMap<string, H5Data>): boolean {
  return sharedAttrSets.has(attrs as Attrs);
}

/** The attribute set new objects start with (shared, so never changed). */
export const EMPTY_ATTRS: Attrs = new Map();
sharedAttrSets.add(EMPTY_ATTRS);

/** The shared set `attrs` with `name` set to `v` (last, as re-creating an attribute in HDF5 puts it). */
function withAttr(attrs: Attrs, name: string, v: H5Data): Attrs {
  let byName = attrSetsAfter.get(attrs);
  if (byName === undefined) attrSetsAfter.set(attrs, (byName = new Map()));
  let byValue = byName.get(name);
  if (byValue === undefined) byName.set(name, (byValue = new WeakMap()));
  let next = byValue.get(v);
  if (next === undefined) {
    next = new Map(attrs);
    next.delete(name);
    next.set(name, v);
    sharedAttrSets.add(next);
    byValue.set(v, next);
  }
  return next;
}

/** The object's attributes as a set it may change (a copy when it holds a shared one). */
function ownAttrs(node: NNode): Attrs {
  if (sharedAttrSets.has(node.attrs)) node.attrs = new Map(node.attrs);
  return node.attrs;
}

/**
 * The graph value of an attribute value the storage layer hands in (one per value: see
 * {@link attrValues}), and whether that value was handed in before (then objects may share sets holding it).
 */
export function attributeValue(value: WriteData): { v: H5Data; seen: boolean } {
  const seen = attrValues.get(value);
  if (seen !== undefined) return { v: seen, seen: true };
  const v: H5Data = 'vlenStrings' in value
    ? { type: VLEN_UTF8, shape: value.shape, bytes: new Uint8Array(0), strings: value.vlenStrings.map((s) => Buffer.from(s, 'utf8')) }
    : { type: value.type, shape: value.shape, bytes: value.data };
  attrValues.set(value, v);
  return { v, seen: false };
}

/** About the bytes an attribute takes in an object header (variable-length strings with their heap references). */
export function attributeBytes(v: H5Data): number {
  return v.strings ? v.strings.reduce((n, s) => n + s.length + 16, 0) : v.bytes.length;
}

/**
 * Sets attribute `name` of `node` to `v` (a value from {@link attributeValue}), last, as
 * re-creating it in HDF5 puts it. `seen`: the value was handed in before (a shared text), which
 * keeps the object on shared attribute sets; a value of its own gives the object its own set.
 */
export function setAttribute(node: NNode, name: string, v: H5Data, seen: boolean): void {
  if (seen && sharedAttrSets.has(node.attrs)) {
    node.attrs = withAttr(node.attrs, name, v);
    return;
  }
  const attrs = ownAttrs(node);
  attrs.delete(name);
  attrs.set(name, v);
}

/** Deletes attribute `name` of `node` if it has one. */
export function deleteAttribute(node: NNode, name: string): void {
  if (node.attrs.has(name)) ownAttrs(node).delete(name);
}
