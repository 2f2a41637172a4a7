/**
 * The CLI's launcher (bin/hearth and bin/hearth-in-workspace run it): runs the CommonJS bundle of
 * the CLI (dist/hearth-cli.cjs, from scripts/bundle.js), or for `hearth server` the server's
 * (@hearth/server's dist/hearth-server.cjs, from its scripts/bundle.js), with V8's code cache
 * (code-cache.cts), so a start does not parse and compile the bundle again (bench/cli-start.js,
 * bench/server-start.js).
 */
import fs = require('node:fs');
import path = require('node:path');
import codeCache = require('./code-cache.cjs');

const BUNDLE = path.join(__dirname, '..', 'hearth-cli.cjs');

/** What the server's bundle exports for the launcher. */
interface ServerBundle {
  runServerCli(argv: string[]): Promise<void>;
}

/** `hearth server`: the server's bundle; its cache is kept once the server serves (it may run for months). */
function launchServer(args: string[]): void {
  let bundle: string;
  try {
    bundle = require.resolve('@hearth/server/bundle');
    fs.accessSync(bundle);
  } catch {
    const root = path.join(__dirname, '..', '..', '..', '..');
    process.stderr.write(
      `hearth: the server is not built in ${root}; build first: (cd ${root} && npm run build)\n`,
    );
    process.exitCode = 1;
    return;
  }
  const run = codeCache.runBundle(bundle, ['server'], false);
  void (run.exports as ServerBundle).runServerCli(args).then(() => setImmediate(run.saveCache));
}

function launch(): void {
  const args = process.argv.slice(2);
  if (args[0] === 'server') {
    launchServer(args.slice(1));
    return;
  }
  // At exit the cache holds every function the command compiled, not only the top level.
  codeCache.runBundle(BUNDLE, args, true);
}

launch();
