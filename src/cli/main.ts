#!/usr/bin/env node
/** The `h5traj` executable. */
import { runCli } from './app.js';

// For benchmarks on machines without /usr/bin/time: the peak memory of this process on stderr.
if (process.env.H5TRAJ_REPORT_RSS) process.on('exit', () => process.stderr.write(`max_rss_kb=${process.resourceUsage().maxRSS}\n`));

process.exitCode = await runCli(process.argv.slice(2));
