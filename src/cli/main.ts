#!/usr/bin/env node
/** The `h5traj` executable. */
import { runCli } from './app.js';

process.exitCode = await runCli(process.argv.slice(2));
