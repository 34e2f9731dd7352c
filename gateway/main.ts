/**
 * Entry point of the `clawbot` command (bin/clawbot.js loads this file through tsx).
 * Sets `process.exitCode` instead of exiting, so pending log lines and sockets are flushed.
 */
import { createProcessContext } from './cli/context.js';
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv, createProcessContext());
