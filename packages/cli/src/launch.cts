/**
 * The CLI's launcher (bin/hearth and bin/hearth-in-workspace run it): runs the CommonJS bundle of
 * the CLI (dist/hearth-cli.cjs, from scripts/bundle.js) with V8's code cache, so a command does not
 * parse and compile the bundle again on every start (bench/cli-start.js).
 *
 * The cache is a file per first word of the command line (each command compiles other functions),
 * in $XDG_CACHE_HOME/hearth/cli (default ~/.cache/hearth/cli). A run that found none, or one V8
 * rejected, writes it when the process exits. Its name carries the bundle's path, size and
 * modification time, and node's version, architecture and flags: a rebuilt CLI or another node
 * never reads another's cache, and V8 checks its own version and flags again. A cache that is
 * missing, rejected, unreadable or unwritable (a read-only home) only means compiling as without
 * one: it never fails a command. With no home for a cache, the bundle is required as it is.
 *
 * `hearth --version` and `hearth --help` (to what is not a terminal) are answered before any of
 * that: the build wrote their text next to the bundle (dist/hearth-cli.answers.json), so they load
 * neither the bundle nor a module node did not load to start.
 */
import fs = require('node:fs');
import path = require('node:path');

const BUNDLE = path.join(__dirname, '..', 'hearth-cli.cjs');
/** What the build wrote: `{ version, help }`, each the exact text the CLI prints (scripts/bundle.js). */
const ANSWERS = path.join(__dirname, '..', 'hearth-cli.answers.json');

/** What names a cache: the bundle as built, the node that compiles it, and the command line. */
interface CacheKey {
  readonly bundle: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly version: string;
  readonly arch: string;
  readonly execArgv: readonly string[];
  readonly args: readonly string[];
}

/** A short, stable hash of `text` (32-bit FNV-1a, hex): names, not security. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** How every cache of this bundle path's current build is named: the path's hash, size and time. */
function buildPrefix(key: CacheKey): string {
  return `${hash(key.bundle)}-${key.size}-${Math.trunc(key.mtimeMs)}-`;
}

/**
 * The cache file's name for `key`: {@link buildPrefix}, node's version, architecture and flags,
 * and the first word when it is a command name or an option (else `_`).
 */
function cacheName(key: CacheKey): string {
  const first = key.args[0] ?? '';
  const word = /^-{0,2}[a-zA-Z][a-zA-Z-]{0,31}$/.test(first) ? first : '_';
  return `${buildPrefix(key)}${key.version}-${key.arch}-${hash(key.execArgv.join('\0'))}-${word}.v8`;
}

/** Where caches go; undefined when there is no home to put them in. */
function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const os: typeof import('node:os') = require('node:os');
  const base = env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : '');
  return base ? path.join(base, 'hearth', 'cli') : undefined;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes `data` as the cache of `key` in `dir` whole (a temp file, then a rename), and removes the
 * caches of earlier builds at the same bundle path.
 */
function writeCache(dir: string, key: CacheKey, data: Buffer): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const name = cacheName(key);
    const temp = path.join(dir, `.${name}.${process.pid}`);
    fs.writeFileSync(temp, data, { mode: 0o600 });
    fs.renameSync(temp, path.join(dir, name));
    const samePath = `${hash(key.bundle)}-`;
    for (const other of fs.readdirSync(dir)) {
      if (other.startsWith(samePath) && !other.startsWith(buildPrefix(key))) fs.rmSync(path.join(dir, other));
    }
  } catch {
    // A cache that cannot be written is only a slower next start.
  }
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
  const answer = builtAnswer(process.argv.slice(2));
  if (answer !== undefined && writeStdout(answer)) return;
  // The server is an ES module, which the bundle cannot import(): `hearth server` runs the unbundled
  // CLI (its start-up is the server's own).
  if (process.argv[2] === 'server') {
    void import('./main.js');
    return;
  }
  const dir = cacheDir(process.env);
  if (dir === undefined) {
    require(BUNDLE);
    return;
  }
  const nodeModule: typeof import('node:module') = require('node:module');
  const vm: typeof import('node:vm') = require('node:vm');
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const { size, mtimeMs } = fs.statSync(BUNDLE);
  const key: CacheKey = {
    bundle: BUNDLE,
    size,
    mtimeMs,
    version: process.version,
    arch: process.arch,
    execArgv: process.execArgv,
    args: process.argv.slice(2),
  };
  const cachedData = readOrUndefined(path.join(dir, cacheName(key)));
  const script = new vm.Script(nodeModule.wrap(source), {
    filename: BUNDLE,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit the cache holds every function the command compiled, not only the top level.
    process.once('exit', () => writeCache(dir, key, script.createCachedData()));
  }
  const bundle = { exports: {}, filename: BUNDLE, id: BUNDLE, loaded: false };
  const body = script.runInThisContext();
  body(bundle.exports, nodeModule.createRequire(BUNDLE), bundle, BUNDLE, path.dirname(BUNDLE));
}

if (require.main === module) launch();

export = { cacheName, cacheDir, launch };
