/**
 * Building exploration dictionaries (pypet's `cartesian_product`).
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * The cartesian product of parameter ranges, in pypet's order: the last name of
 * `combined_parameters` varies fastest. An entry that is an array of names links those parameters:
 * they vary together (their ranges must have the same length).
 *
 * @throws InvalidArgumentError for names missing from the dictionary (or from the order), and
 *   linked ranges of different lengths.
 * @example
 * cartesian_product({ x: [1, 2], y: ['a', 'b', 'c'] })
 * // { x: [1, 1, 1, 2, 2, 2], y: ['a', 'b', 'c', 'a', 'b', 'c'] }
 */
export function cartesian_product(
  parameterDict: Record<string, readonly unknown[]>,
  combinedParameters?: readonly (string | readonly string[])[],
): Record<string, unknown[]> {
  const groups = (combinedParameters ?? Object.keys(parameterDict)).map((g) => (typeof g === 'string' ? [g] : [...g]));
  const named = new Set(groups.flat());
  for (const name of named) {
    if (!(name in parameterDict)) {
      throw new InvalidArgumentError(`'${name}' is named in combined_parameters but has no range in the dictionary.`, { path: name });
    }
  }
  for (const name of Object.keys(parameterDict)) {
    if (!named.has(name)) {
      throw new InvalidArgumentError(`The range of '${name}' is not used: add it to combined_parameters.`, { path: name });
    }
  }
  const lengths = groups.map((g) => {
    const ls = g.map((n) => parameterDict[n]!.length);
    if (ls.some((l) => l !== ls[0])) {
      throw new InvalidArgumentError(
        `Linked parameters vary together and need ranges of equal length, but ${g.map((n, i) => `'${n}' has ${ls[i]}`).join(' and ')}.`,
      );
    }
    return ls[0] ?? 0;
  });
  const total = lengths.reduce((a, b) => a * b, 1);
  const out: Record<string, unknown[]> = Object.fromEntries(Object.keys(parameterDict).map((k) => [k, new Array(total)]));
  // Stride of each group: the product of the lengths of the groups after it.
  const strides = lengths.map((_, gi) => lengths.slice(gi + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < total; i++) {
    groups.forEach((g, gi) => {
      const j = Math.floor(i / strides[gi]!) % lengths[gi]!;
      for (const name of g) out[name]![i] = parameterDict[name]![j];
    });
  }
  return out;
}
