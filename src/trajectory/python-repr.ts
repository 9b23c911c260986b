/**
 * Python's `repr` now lives beside the value model (`leaves/python-repr.ts`), because leaves print
 * themselves with it; this module keeps the old import path working for the code that uses it.
 */
export * from '../leaves/python-repr.js';
