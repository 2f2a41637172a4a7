/**
 * `hearth server`: parses its flags, starts, and shuts down gracefully on SIGTERM/SIGINT.
 */
import { configHelp, loadConfig } from './config.js';
import { StartupError, startServer } from './server.js';

export async function runServerCli(argv: string[]): Promise<void> {
  // A reader that has gone (`hearth server --help | head -1`, a log pipe closed) ends the server
  // quietly with SIGPIPE's status, as the CLI's other commands do (cli/src/main.ts), whichever entry
  // started it (the launcher's bundle or src/bin.ts).
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(141);
    });
  const loaded = loadConfig(argv, process.env);
  if (loaded.ok === 'help') {
    process.stdout.write(`${configHelp()}\n`);
    return;
  }
  if (!loaded.ok) {
    process.stderr.write(
      `hearth server: cannot start:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(loaded.config);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`hearth server: cannot start: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const ssh = server.sshAddress;
  process.stderr.write(
    (ssh
      ? `Plain SSH on ${ssh}: ssh -p ${ssh.slice(ssh.lastIndexOf(':') + 1)} WORKSPACE@HOST, with a key from "hearth sshkeys add".\n`
      : '') +
      `Hearth is serving on ${server.url} (data in ${loaded.config.dataDir}). Press Ctrl-C to stop.\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`hearth server: ${signal}: finishing running builds, then stopping\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
