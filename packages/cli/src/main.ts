#!/usr/bin/env node
// The SSH relay skips loading the command tree (see stdio.ts); every other command skips the relay.
const relayed = process.argv[2] === 'ssh' && (await (await import('./stdio.js')).fastStdio(process.argv));
if (!relayed) {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(process.argv);
}
