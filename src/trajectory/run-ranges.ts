/** Run indices described for people: `[3, 4, 5, 9]` → "3–5, 9" (merge reports, shard notes, errors). */

/**
 * Run indices as ranges, for messages: `[3, 4, 5, 9]` → "3–5, 9" (at most `max` ranges, then
 * "… and N more").
 */
export function describeRuns(indices: readonly number[], max = 10): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let j = k;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(j === k ? `${sorted[k]}` : `${sorted[k]}–${sorted[j]}`);
    k = j + 1;
  }
  if (ranges.length <= max) return ranges.join(', ');
  return `${ranges.slice(0, max).join(', ')} … and ${ranges.length - max} more range(s)`;
}
