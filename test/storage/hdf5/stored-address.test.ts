/**
 * Where a leaf read from a file is stored is kept in the leaf as a number V8 holds in the field
 * itself (load.ts `smallAddress`): every address comes back as it was, and those below 4 GiB fit
 * a 32-bit integer (no heap number per leaf).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromSmallAddress, smallAddress } from '../../../src/storage/hdf5/load.js';

test('addresses round-trip, and those below 4 GiB are 32-bit integers', () => {
  for (const addr of [-1, 0, 96, 2 ** 31 - 1, 2 ** 31, 3_700_000_000, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 5e9, 2 ** 40 + 8]) {
    const kept = smallAddress(addr);
    assert.is(fromSmallAddress(kept), addr, String(addr));
    if (addr < 2 ** 32 - 1) assert.ok(kept === (kept | 0), `${addr} is kept as ${kept}`);
  }
});

test.run();
