/**
 * Preloaded by `npm run test:wasm` (`--import`): with `H5TRAJ_ENGINE=wasm` every file needs
 * h5wasm, and the tests open files synchronously, so h5wasm is loaded before they start.
 */
import { loadWasmEngine } from '../src/index.js';

await loadWasmEngine();
