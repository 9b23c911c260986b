/**
 * Child process of `chunk-tree-middle.test.ts`: opens FILE (a table written by `makeTable`) for
 * appending commits and makes two of them, so that the test can crash it at each durable step
 * (`H5TRAJ_CRASH_AT`, see `src/storage/durable-step.ts`): the first changes row 5 (in the first
 * leaf), the second rows 2,500 … 2,510 in the middle of the table (each a path of the chunk
 * B-tree, and sibling fixes after the superblock switch).
 * Usage: node --import ./scripts/loader/register.mjs chunk-tree-child.ts FILE
 */
import { NativeH5File } from '../../../../src/storage/hdf5/native/native-file.js';
import { MIDDLE, marked } from './btree-check.js';

const [file] = process.argv.slice(2) as [string];
const f = NativeH5File.openCopy(file, file);
f.writeRows('/table', 5, marked(5, 1));
f.checkpoint();
f.writeRows('/table', MIDDLE.from, marked(MIDDLE.from, MIDDLE.count));
f.checkpoint();
f.close();
