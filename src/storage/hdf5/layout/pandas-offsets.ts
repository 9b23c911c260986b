/**
 * The frequency of a DatetimeIndex (`pd.date_range(..., freq='D')`), which pandas stores as a
 * pickled date offset (`pandas._libs.tslibs.offsets.Day(1, False)`): read as pandas' frequency
 * text (`'D'`, `'15T'`, `'M'`) and written back as the same pickle. Offsets with more parameters
 * (weeks on a weekday, business days, …) stay unsupported.
 */
import { type PickleCalls } from './pickle/decode.js';
import { encodePickle } from './pickle/encode.js';

const MODULE = 'pandas._libs.tslibs.offsets';

/** Offset classes built from `(n, normalize)`, by their frequency code. */
const CODES: Record<string, string> = {
  Day: 'D', Hour: 'H', Minute: 'T', Second: 'S', Milli: 'L', Micro: 'U', Nano: 'N', MonthEnd: 'M', MonthBegin: 'MS',
};
const CLASSES = new Map(Object.entries(CODES).map(([cls, code]) => [code, cls]));

/** What the unpickler may call for a frequency: each offset class gives its frequency text. */
export const OFFSET_CALLS: PickleCalls = new Map(Object.entries(CODES).map(([cls, code]) => [
  `${MODULE}.${cls}`,
  ([n, normalize]: readonly unknown[]) => (typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && normalize === false ? `${n === 1 ? '' : n}${code}` : undefined),
]));

/** The pickle PyTables keeps for a frequency, or undefined when h5traj does not know its offset. */
export function pickleOffset(freq: string): Buffer | undefined {
  const m = /^(\d*)([A-Z]+)$/.exec(freq);
  const cls = m && CLASSES.get(m[2]!);
  if (!m || !cls || m[1] === '0') return undefined;
  const n = encodePickle(m[1] ? Number(m[1]) : 1, 2).subarray(2, -1); // BININT…, without PROTO and STOP
  // Cls(n, False): GLOBAL, n, NEWFALSE, TUPLE2, REDUCE, STOP
  return Buffer.concat([Buffer.from(`\x80\x02c${MODULE}\n${cls}\n`, 'latin1'), n, Buffer.from([0x89, 0x86, 0x52, 0x2e])]);
}
