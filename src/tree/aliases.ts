/**
 * pypet's alternative naming: `node.func.add_result(…)` is `node.f_add_result(…)` and
 * `node.vars.idx` is `node.v_idx` (pypet's `NNTreeNodeFunc` / `NNTreeNodeVars`). Both are small
 * Proxies over the node; an unknown member is an error, not `undefined`.
 */
import { NotFoundError } from '../errors.js';

/** `node.func`'s type: the node's `f_` members without the prefix. */
export type FuncAlias<T> = { [K in keyof T as K extends `f_${infer R}` ? R : never]: T[K] };
/** `node.vars`'s type: the node's `v_` members without the prefix. */
export type VarsAlias<T> = { -readonly [K in keyof T as K extends `v_${infer R}` ? R : never]: T[K] };

/** The node as the aliases see it: a bag of members. */
type Members = Record<string, unknown> & { f_get_class_name(): string; v_full_name: string };

function unknownMember(node: Members, prefix: string, prop: string): NotFoundError {
  const what = prefix === 'f_' ? 'method' : 'property';
  const where = node.v_full_name === '' ? 'The trajectory' : `The ${node.f_get_class_name()} '${node.v_full_name}'`;
  return new NotFoundError(
    `${where} has no ${what} '${prefix}${prop}', so '${prefix === 'f_' ? 'func' : 'vars'}.${prop}' does not exist.`,
    { path: `${prefix}${prop}` },
  );
}

/** Whether a property name is one JavaScript probes for (never an alias). */
function isProbe(prop: string | symbol): prop is symbol | 'then' | 'toJSON' {
  return typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON';
}

/** `node.func`: the node's `f_` methods without the prefix, bound to the node. */
export function funcAlias<T extends object>(node: T): FuncAlias<T> {
  const members = node as Members;
  return new Proxy({} as FuncAlias<T>, {
    get(_t, prop) {
      if (isProbe(prop)) return undefined;
      const fn = members[`f_${prop}`];
      if (typeof fn !== 'function') throw unknownMember(members, 'f_', prop);
      return fn.bind(node);
    },
    has(_t, prop) {
      return typeof prop === 'string' && typeof members[`f_${prop}`] === 'function';
    },
  });
}

/** `node.vars`: the node's `v_` properties without the prefix; assignment sets them. */
export function varsAlias<T extends object>(node: T): VarsAlias<T> {
  const members = node as Members;
  return new Proxy({} as VarsAlias<T>, {
    get(_t, prop) {
      if (isProbe(prop)) return undefined;
      if (!(`v_${prop}` in node)) throw unknownMember(members, 'v_', prop);
      return members[`v_${prop}`];
    },
    set(_t, prop, value) {
      if (typeof prop === 'symbol' || !(`v_${prop}` in node)) throw unknownMember(members, 'v_', String(prop));
      members[`v_${prop}`] = value;
      return true;
    },
    has(_t, prop) {
      return typeof prop === 'string' && `v_${prop}` in node;
    },
  });
}
