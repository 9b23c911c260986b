/** Every CLI command, in the order `--help` lists them. */
import type { CliCommand } from '../command.js';
import { dump } from './dump.js';
import { info } from './info.js';

export const commands: CliCommand[] = [info, dump];
