#!/usr/bin/env node
/** Runs the server alone (`node dist/src/bin.js [flags]`), without the CLI. */
import { runServerCli } from './app/main.js';

await runServerCli(process.argv.slice(2));
