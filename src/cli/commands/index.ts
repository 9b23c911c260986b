/** Every CLI command, in the order `--help` lists them. */
import type { CliCommand } from '../command.js';
import { dump } from './dump.js';
import { exportCommand } from './export.js';
import { find } from './find.js';
import { get } from './get.js';
import { info } from './info.js';
import { schema } from './schema.js';
import { tree } from './tree.js';
import { verify } from './verify.js';
import { run } from './run.js';
import { merge } from './merge.js';
import { plot } from './plot.js';
import { submit } from './submit.js';
import { unlock } from './unlock.js';
import { compact } from './compact.js';

export const commands: CliCommand[] = [run, submit, info, tree, find, get, schema, exportCommand, plot, merge, compact, unlock, verify, dump];
