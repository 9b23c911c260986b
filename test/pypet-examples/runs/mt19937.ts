/**
 * numpy's legacy random generator, as far as pypet's example 17 needs it: `np.random.seed(n)`
 * (MT19937's init_genrand) and `np.random.randint(2, size=n)` (one 32-bit draw per value,
 * masked to the lowest bit — numpy's masked bounded integers for the range 0..1). So the port's
 * "random" initial state is numpy's, bit for bit.
 */
export class MT19937 {
  private readonly mt = new Uint32Array(624);
  private mti = 625;

  /** `np.random.seed(seed)` for a seed in 0 .. 2**32 - 1. */
  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32 bits (split to stay exact in doubles).
      this.mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
    this.mti = 624;
  }

  /** The next 32-bit output (genrand_int32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `np.random.randint(2, size)`: int64 zeros and ones. */
  randint2(size: number): BigInt64Array {
    const out = new BigInt64Array(size);
    for (let i = 0; i < size; i++) out[i] = BigInt(this.nextUint32() & 1);
    return out;
  }
}
