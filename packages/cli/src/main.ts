#!/usr/bin/env node
// The SSH relay skips loading the command tree: see stdio.ts.
const { fastStdio } = await import('./stdio.js');
if (!(await fastStdio(process.argv))) {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(process.argv);
}
