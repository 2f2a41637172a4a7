#!/usr/bin/env node
import { builtHelp } from './built-help.js';
import { whenOpened } from './stdio-open.js';
import { VERSION } from './version.js';

// A reader that stops early (`hearth list | head -1`) closes the pipe: end quietly, as git and
// kubectl do, with the status of a process killed by SIGPIPE (128 + 13), instead of a stack trace.
for (const name of ['stdout', 'stderr'] as const) {
  whenOpened(name, (stream) =>
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(141);
    }),
  );
}
void main(process.argv);

async function main(argv: readonly string[]): Promise<void> {
  const args = argv.slice(2);
  // `hearth --version` needs no command tree: it prints what commander would print.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  // So does the top-level help, not for a terminal (built-help.ts).
  const help = builtHelp(args);
  if (help !== undefined && process.stdout.isTTY !== true) {
    process.stdout.write(help);
    return;
  }
  // `hearth server` passes every flag to the server untouched: commander has nothing to parse, and
  // not loading it is a tenth of the server's start-up.
  if (args[0] === 'server') {
    await (await import('./commands/server.js')).runServer(args.slice(1));
    return;
  }
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv);
}
