/**
 * The CLI as bin/hearth runs it: the CommonJS bundle through its launcher, with V8's code cache.
 * It must answer exactly as the unbundled CLI does, and a code cache may only make it faster: one
 * that is missing, broken, of an earlier build or not writable changes nothing a user sees.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/shell-words.js';
import { MAIN, type Run, run } from '../support/e2e.js';

const UNBUNDLED = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../hearth-cli.cjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../../../../bin/hearth', import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-bundle-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The environment of a user with no server: nothing listens on loopback's discard port. */
const envWith = (cache: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: dir,
  XDG_CACHE_HOME: cache,
  HEARTH_CONFIG_DIR: join(dir, 'config'),
  HEARTH_URL: 'http://127.0.0.1:9',
  HEARTH_TOKEN: 'hearth_unused',
});

const hearth = (script: string, args: readonly string[], cache: string): Promise<Run> =>
  run(process.execPath, [script, ...args], envWith(cache));

const answer = (r: Run) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

const cachesIn = async (cache: string): Promise<string[]> =>
  (await readdir(join(cache, 'hearth', 'cli')).catch(() => [])).filter((f) => f.endsWith('.v8'));

/**
 * The built-in modules `hearth ARGS` loaded (node's process.moduleLoadList at exit), run as bin/hearth
 * runs it, with its stdout to a file and its stderr to a pipe (as a script capturing errors has it).
 */
async function builtinsLoaded(args: readonly string[], cache: string): Promise<string[]> {
  const name = args.join('-');
  const log = join(dir, `${name}.modules`);
  const preload = join(dir, 'module-log.cjs');
  await writeFile(
    preload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.MODULE_LOG, process.moduleLoadList.join('\\n')));\n",
  );
  const stdout = openSync(join(dir, `${name}.out`), 'w');
  const child = spawn(process.execPath, ['--require', preload, MAIN, ...args], {
    env: { ...envWith(cache), MODULE_LOG: log },
    stdio: ['ignore', stdout, 'pipe'],
  });
  child.stderr?.resume();
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, `hearth ${args.join(' ')} exit code`);
  return (await readFile(log, 'utf8')).split('\n').map((m) => m.replace(/^NativeModule /, ''));
}

/**
 * What `command ARGS` ran as, seen from a preload at its exit: node's flags, V8's tag for code caches
 * (its version and flags: node's cache of its own modules is used only under node's own), files and
 * built-ins.
 */
async function ranAs(
  command: string,
  args: readonly string[],
  cache: string,
): Promise<{ execArgv: string[]; cacheTag: number; files: string[]; builtins: string[] }> {
  const log = join(dir, `${args.join('-')}.ran`);
  const preload = join(dir, 'ran-log.cjs');
  await writeFile(
    preload,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.RAN_LOG, JSON.stringify({ execArgv: process.execArgv, cacheTag: require('node:v8').cachedDataVersionTag(), files: Object.keys(require.cache), builtins: process.moduleLoadList.map((m) => m.replace(/^NativeModule /, '')) })));\n",
  );
  const r = await run(command, args, {
    ...envWith(cache),
    RAN_LOG: log,
    NODE_OPTIONS: `--require ${preload}`,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(await readFile(log, 'utf8'));
}

describe('bin/hearth', () => {
  it('answers as the unbundled CLI does, through a symlink too', async () => {
    const link = join(dir, 'on-path', 'hearth');
    await mkdir(dirname(link), { recursive: true });
    await symlink(BIN, link);
    const cache = join(dir, 'bin');
    for (const args of [['--version'], ['--help'], ['whoami'], ['list', '--help'], ['lsit']]) {
      const expected = answer(await hearth(UNBUNDLED, args, cache));
      for (const command of [BIN, link]) {
        const got = answer(await run(command, args, envWith(cache)));
        assert.deepEqual(got, expected, `${command} ${args.join(' ')}`);
      }
    }
  });

  it('is node without V8 flags, running the launcher, so node uses the code cache of its own modules', async () => {
    const plain = await run(process.execPath, ['-p', "require('node:v8').cachedDataVersionTag()"], {
      PATH: process.env.PATH,
    });
    const { execArgv, cacheTag, files, builtins } = await ranAs(BIN, ['list', '--help'], join(dir, 'ran'));
    assert.deepEqual(execArgv, []);
    // A V8 flag changes the tag, and node then compiles node:net and the rest from source.
    assert.equal(String(cacheTag), plain.stdout.trim());
    // bin/hearth, then the launcher, which loads the code cache's runner only to run the bundle.
    assert.deepEqual(files.slice(-3), [BIN, MAIN, join(dirname(MAIN), 'code-cache.cjs')]);
    assert.ok(builtins.includes('vm'), 'the launcher ran the bundle');
  });

  it('gives `hearth server` the heap flag, through a symlink too', async () => {
    const link = join(dir, 'server-link', 'hearth');
    await mkdir(dirname(link), { recursive: true });
    await symlink(BIN, link);
    for (const command of [BIN, link]) {
      const server = await ranAs(command, ['server', '--help'], join(dir, 'ran'));
      assert.deepEqual(server.execArgv, ['--initial-old-space-size=64'], command);
      assert.ok(server.files.includes(BIN), `${command} ran bin/hearth from its real path`);
    }
  });

  it('says how to build when the CLI is not built, in a quoted path too', async () => {
    for (const name of ['unbuilt', "not built's"]) {
      const root = join(dir, name);
      await mkdir(join(root, 'bin'), { recursive: true });
      for (const file of ['hearth', 'package.json']) {
        await copyFile(join(dirname(BIN), file), join(root, 'bin', file));
      }
      await chmod(join(root, 'bin', 'hearth'), 0o755);
      const r = await run(join(root, 'bin', 'hearth'), ['--version'], envWith(join(dir, 'unbuilt-cache')));
      assert.deepEqual(answer(r), {
        code: 1,
        stdout: '',
        stderr: `hearth: the CLI is not built in ${root}; build first: (cd ${shellQuote(root)} && npm run build)\n`,
      });
    }
  });

  it('answers --version and --help without the bundle', async () => {
    for (const args of [['--version'], ['-V'], ['--help'], ['-h']]) {
      const { files, builtins } = await ranAs(BIN, args, join(dir, 'ran'));
      assert.ok(files.includes(MAIN), `hearth ${args.join(' ')} ran the launcher`);
      for (const lazy of ['vm', 'os', 'module', 'net']) {
        assert.ok(!builtins.includes(lazy), `hearth ${args.join(' ')} loaded ${lazy}`);
      }
    }
  });
});

describe('the bundled CLI', () => {
  it('loads neither child_process nor, with nothing written to stderr, node:net', async () => {
    const cache = join(dir, 'builtins');
    for (const args of [['--version'], ['--help'], ['list', '--help']]) {
      for (const round of ['first run', 'cached']) {
        const loaded = await builtinsLoaded(args, cache);
        assert.ok(loaded.includes('fs'), 'the log lists built-in modules');
        for (const lazy of ['child_process', 'net']) {
          assert.ok(!loaded.includes(lazy), `hearth ${args.join(' ')} (${round}) loaded ${lazy}`);
        }
      }
    }
  });

  it('answers every command line as the unbundled CLI does, with and without its cache', async () => {
    const cache = join(dir, 'same');
    const lines = [
      ['--version'],
      ['-V'],
      ['--help'],
      ['-h'],
      ['help'],
      ['help', 'tokens'],
      ['list', '--help'],
      ['whoami'],
      ['list'],
      ['lsit'],
      ['create'],
      ['logs', 'ws', '--tail', 'x'],
      ['server', '--help'],
      ['server', '--no-such-flag'],
    ];
    for (const args of lines) {
      const expected = answer(await hearth(UNBUNDLED, args, cache));
      assert.deepEqual(answer(await hearth(MAIN, args, cache)), expected, `${args.join(' ')}, first run`);
      assert.deepEqual(answer(await hearth(MAIN, args, cache)), expected, `${args.join(' ')}, cached`);
    }
    assert.ok((await cachesIn(cache)).some((f) => f.endsWith('-whoami.v8')));
    const bundle = await readFile(BUNDLE, 'utf8');
    assert.doesNotMatch(
      bundle,
      /\bimport\(|typebox|fastify|kysely/,
      'no import() (vm runs it), no schemas, no server',
    );
  });

  it('prints the help it carries from its build byte for byte as commander does, and asks commander on a terminal', async () => {
    const bundle = await readFile(BUNDLE, 'utf8');
    const help = (await hearth(UNBUNDLED, ['--help'], join(dir, 'help'))).stdout;
    // As esbuild writes a string: JSON's escapes, and every non-ASCII character as \uXXXX.
    const literal = JSON.stringify(help).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    assert.ok(bundle.includes(literal), 'the bundle carries the help text');
    for (const args of [['--help'], ['-h']]) {
      const printed = await hearth(MAIN, args, join(dir, 'help'));
      assert.deepEqual(answer(printed), { code: 0, stdout: help, stderr: '' });
    }
    // A real terminal 200 columns wide (util-linux's `script` gives the CLI one): commander renders
    // the help for its width, not the built 80 columns.
    const wide = (...command: string[]) =>
      run(
        'script',
        ['-qec', `stty cols 200 && exec ${command.map(shellQuote).join(' ')} --help`, '/dev/null'],
        envWith(join(dir, 'help')),
      );
    const expected = answer(await wide(process.execPath, UNBUNDLED));
    assert.match(expected.stdout, /Usage: hearth/);
    assert.notEqual(expected.stdout.replaceAll('\r\n', '\n'), help, 'the wide help is another text');
    assert.deepEqual(answer(await wide(process.execPath, MAIN)), expected);
    assert.deepEqual(answer(await wide(BIN)), expected);
  });

  it('carries no comments, which every command would read for nothing', async () => {
    const bundle = await readFile(BUNDLE, 'utf8');
    // Two of commander's JSDoc comments, as its source has them.
    assert.ok(!bundle.includes('parse process.argv and auto-detect electron'), 'a comment was left in');
    assert.ok(!bundle.includes('* Register callback'), 'a comment was left in');
  });

  it('writes a cache on the first run and keeps it while V8 accepts it', async () => {
    const cache = join(dir, 'kept');
    const first = await hearth(MAIN, ['list', '--help'], cache);
    assert.equal(first.code, 0);
    const [name] = await cachesIn(cache);
    assert.match(name ?? '', /-list\.v8$/);
    const file = join(cache, 'hearth', 'cli', name ?? '');
    const before = await stat(file);
    assert.deepEqual(answer(await hearth(MAIN, ['list', '--help'], cache)), answer(first));
    const again = await stat(file);
    assert.equal(again.ino, before.ino, 'an accepted cache is not written again');
    assert.equal(again.mtimeMs, before.mtimeMs);
  });

  it('ignores a broken cache, and replaces it', async () => {
    const cache = join(dir, 'broken');
    const good = await hearth(MAIN, ['whoami'], cache);
    const [name] = await cachesIn(cache);
    const file = join(cache, 'hearth', 'cli', name ?? '');
    for (const junk of [
      Buffer.alloc(0),
      Buffer.from('not a code cache'),
      (await readFile(file)).subarray(0, 100),
    ]) {
      await writeFile(file, junk);
      assert.deepEqual(answer(await hearth(MAIN, ['whoami'], cache)), answer(good));
      assert.ok((await readFile(file)).length > 1000, 'the rejected cache was written anew');
    }
  });

  it('runs as before when its cache cannot be written', async () => {
    const expected = answer(await hearth(UNBUNDLED, ['list', '--help'], join(dir, 'unused')));
    // A file where the directory should be: no cache directory can be made, even by root.
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, '');
    assert.deepEqual(answer(await hearth(MAIN, ['list', '--help'], blocked)), expected);
  });

  it("never runs an earlier build's cache, even of a bundle of the same length", async () => {
    // A copy of the launcher and the bundle, so the bundle can be rebuilt here without touching dist.
    const copy = join(dir, 'copy');
    await mkdir(join(copy, 'src'), { recursive: true });
    const launcher = join(copy, 'src', 'launch.cjs');
    const bundle = join(copy, 'hearth-cli.cjs');
    await copyFile(MAIN, launcher);
    await copyFile(join(dirname(MAIN), 'code-cache.cjs'), join(copy, 'src', 'code-cache.cjs'));
    await copyFile(BUNDLE, bundle);
    const cache = join(dir, 'rebuilt');
    assert.match((await hearth(launcher, ['--help'], cache)).stdout, /Each workspace is a container/);
    assert.equal((await cachesIn(cache)).length, 1);
    // V8 only checks a cache against the length of its source: the same length, other text.
    const text = await readFile(bundle, 'utf8');
    await writeFile(
      bundle,
      text.replaceAll('Each workspace is a container', 'EACH WORKSPACE IS A CONTAINER'),
    );
    const later = new Date((await stat(bundle)).mtimeMs + 2000);
    await utimes(bundle, later, later);
    assert.match((await hearth(launcher, ['--help'], cache)).stdout, /EACH WORKSPACE IS A CONTAINER/);
    assert.equal((await cachesIn(cache)).length, 1, "the earlier build's cache is removed");
  });
});
