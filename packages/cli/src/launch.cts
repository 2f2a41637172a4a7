/**
 * The CLI's launcher (bin/hearth and bin/hearth-in-workspace run it): runs the CommonJS bundle of
 * the CLI (dist/hearth-cli.cjs, from scripts/bundle.js), or for `hearth server` the server's
 * (@hearth/server's dist/hearth-server.cjs, from its scripts/bundle.js), with V8's code cache
 * (code-cache.cts), so a start does not parse and compile the bundle again (bench/cli-start.js,
 * bench/server-start.js).
 *
 * `hearth ssh --stdio NAME` (every OpenSSH connection's ProxyCommand) runs from a bundle of its own,
 * dist/hearth-ssh-stdio.cjs (stdio.ts), and reaches the CLI's only when that one gives up.
 *
 * `hearth --version` and `hearth --help` (to what is not a terminal) are answered before any of
 * that: the build wrote their text next to the bundle (dist/hearth-cli.answers.json), so they load
 * neither the bundle nor a module node did not load to start.
 */
import fs = require('node:fs');
import path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'hearth-cli.cjs');
/** `ssh --stdio`'s own small bundle (dist/hearth-ssh-stdio.cjs, from scripts/bundle.js): see stdio.ts. */
const SSH_STDIO_BUNDLE = path.join(__dirname, '..', 'hearth-ssh-stdio.cjs');
/** What the build wrote: `{ version, help }`, each the exact text the CLI prints (scripts/bundle.js). */
const ANSWERS = path.join(__dirname, '..', 'hearth-cli.answers.json');

/** What the server's bundle exports for the launcher. */
interface ServerBundle {
  runServerCli(argv: string[]): Promise<void>;
}

/** The code cache's runner, loaded only when a bundle runs (it needs vm, module and os). */
const codeCache = (): typeof import('./code-cache.cjs') => require('./code-cache.cjs');

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
  const run = codeCache().runBundle(bundle, ['server'], false);
  void (run.exports as ServerBundle).runServerCli(args).then(() => setImmediate(run.saveCache));
}

/** True when file descriptor `fd` is surely no terminal: not a character device, or /dev/null. */
function surelyNoTerminal(fd: number): boolean {
  try {
    const out = fs.fstatSync(fd);
    return !out.isCharacterDevice() || out.rdev === fs.statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * Writes `text` whole to stdout as the CLI does: a reader that is gone ends the process with the
 * status of one killed by SIGPIPE (141), as main.ts has it. False when the text should go through
 * process.stdout instead (a non-blocking pipe that is full).
 */
function writeStdout(text: string): boolean {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(141);
    if (code !== 'EAGAIN' || done > 0) throw err;
    return false;
  }
  return true;
}

/** The text the build wrote for `args` when it is exactly `--version` or (to no terminal) `--help`. */
function builtAnswer(args: readonly string[]): string | undefined {
  if (args.length !== 1) return undefined;
  const version = args[0] === '--version' || args[0] === '-V';
  if (!version && !((args[0] === '--help' || args[0] === '-h') && surelyNoTerminal(1))) return undefined;
  let answers: { version?: unknown; help?: unknown };
  try {
    answers = JSON.parse(fs.readFileSync(ANSWERS, 'utf8'));
  } catch {
    return undefined;
  }
  const text = version ? answers.version : answers.help;
  return typeof text === 'string' ? text : undefined;
}

/** Runs the CLI on `process.argv`; bin/hearth calls it (or node runs this file as its script). */
function launch(): void {
  // The script the CLI runs as is this launcher however node was started (the ProxyCommand that
  // `hearth config-ssh` writes names it).
  process.argv[1] = __filename;
  const args = process.argv.slice(2);
  const answer = builtAnswer(args);
  if (answer !== undefined && writeStdout(answer)) return;
  if (args[0] === 'server') {
    launchServer(args.slice(1));
    return;
  }
  // OpenSSH starts `ssh --stdio NAME` for every connection: it runs from its own small bundle, and
  // the CLI's only for what that one leaves to it (a refusal to report, anything unusual).
  if (args.length === 3 && args[0] === 'ssh' && args[1] === '--stdio') {
    const { fastStdio } = require(SSH_STDIO_BUNDLE) as typeof import('./stdio.js');
    void fastStdio(process.argv).then((done) => done || runCli(args));
    return;
  }
  runCli(args);
}

/** The CLI's bundle; at exit the cache holds every function the command compiled, not only the top level. */
function runCli(args: string[]): void {
  codeCache().runBundle(BUNDLE, args, true);
}

if (require.main === module) launch();

export = { launch };
