#!/usr/bin/env node
// A reader that stops early (`hearth list | head -1`) closes the pipe: end quietly, as git and
// kubectl do, with the status of a process killed by SIGPIPE (128 + 13), instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(141);
  });
}
// The SSH relay skips loading the command tree (see stdio.ts); every other command skips the relay.
const relayed = process.argv[2] === 'ssh' && (await (await import('./stdio.js')).fastStdio(process.argv));
if (!relayed) {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(process.argv);
}
