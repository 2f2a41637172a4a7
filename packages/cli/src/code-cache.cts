/**
 * Runs a CommonJS bundle with V8's code cache, so a process does not parse and compile the bundle
 * again on every start: the launcher (launch.cts) runs the CLI's bundle (dist/hearth-cli.cjs) and
 * the server's (@hearth/server's dist/hearth-server.cjs) through it.
 *
 * The cache is a file per bundle and first word of the command line (each command compiles other
 * functions), in $XDG_CACHE_HOME/hearth/cli (default ~/.cache/hearth/cli). A run that found none,
 * or one V8 rejected, writes it when its caller says (at exit, or once the server serves). Its
 * name carries the bundle's path, size and modification time, and node's version, architecture
 * and flags: a rebuilt bundle or another node never reads another's cache, and V8 checks its own
 * version and flags again. A cache that is missing, rejected, unreadable or unwritable (a
 * read-only home) only means compiling as without one: it never fails a command. With no home for
 * a cache, the bundle is required as it is.
 */
import fs = require('node:fs');
import nodeModule = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

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

/** A bundle that ran: its exports, and how to keep what it compiled so far for the next start. */
interface RunBundle {
  readonly exports: unknown;
  /** Writes the cache when this run found none (or V8 rejected it); otherwise does nothing. */
  readonly saveCache: () => void;
}

/**
 * Runs `bundle` (a CommonJS file) with the code cache of `args` (the command line after the
 * bundle's own name: its first word names the cache). `saveAtExit`: the cache is written when the
 * process exits (else when the caller calls `saveCache`).
 */
function runBundle(bundle: string, args: readonly string[], saveAtExit: boolean): RunBundle {
  const dir = cacheDir(process.env);
  if (dir === undefined) return { exports: require(bundle), saveCache: () => {} };
  const source = fs.readFileSync(bundle, 'utf8');
  const { size, mtimeMs } = fs.statSync(bundle);
  const key: CacheKey = {
    bundle,
    size,
    mtimeMs,
    version: process.version,
    arch: process.arch,
    execArgv: process.execArgv,
    args,
  };
  const cachedData = readOrUndefined(path.join(dir, cacheName(key)));
  const script = new vm.Script(nodeModule.wrap(source), { filename: bundle, cachedData });
  let save = cachedData === undefined || script.cachedDataRejected === true;
  const saveCache = () => {
    // The cache holds every function the run compiled until now, not only the top level.
    if (save) writeCache(dir, key, script.createCachedData());
    save = false;
  };
  if (saveAtExit) process.once('exit', saveCache);
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  const body = script.runInThisContext();
  body(module.exports, nodeModule.createRequire(bundle), module, bundle, path.dirname(bundle));
  return { exports: module.exports, saveCache };
}

export = { cacheName, cacheDir, runBundle };
