/**
 * What a command loads before it runs: start-up time is mostly loading (bench/cli-start.js), so a
 * command loads the file that registers it and what that needs, not the whole command tree, and
 * `--version` loads nothing at all. Asserted on the unbundled build (tsc's output), whose module
 * graph is the one the bundle keeps: a module the bundle reaches only by a dynamic import is
 * initialized only when that import runs (bundle.test.ts checks the bundle itself).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Run, run } from '../support/e2e.js';

const UNBUNDLED = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const LOAD_LOG = fileURLToPath(new URL('../support/load-log.js', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../../../', import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-start-up-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Runs `hearth ARGS` and returns what it printed and the modules it loaded, as paths under packages/. */
async function loads(args: readonly string[]): Promise<{ result: Run; modules: string[] }> {
  const log = join(dir, `${args.join('-')}.log`);
  // Nothing listens on the discard port of loopback: a command that needs the server fails there.
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    HEARTH_CONFIG_DIR: join(dir, 'config'),
    HEARTH_URL: 'http://127.0.0.1:9',
    HEARTH_TOKEN: 'hearth_unused',
    HEARTH_LOAD_LOG: log,
  };
  const result = await run(process.execPath, ['--import', LOAD_LOG, UNBUNDLED, ...args], env);
  const urls = (await readFile(log, 'utf8')).trim().split('\n');
  const modules = urls.map((url) => (url.startsWith('file:') ? fileURLToPath(url) : url));
  return { result, modules: modules.map((m) => (m.startsWith(PACKAGES) ? m.slice(PACKAGES.length) : m)) };
}

/** The built-in modules among `modules`, in the order they were loaded. */
const builtins = (modules: readonly string[]) => modules.filter((m) => m.startsWith('node:'));

const commandFiles = (modules: readonly string[]) =>
  modules
    .filter((m) => m.startsWith('cli/dist/src/commands/'))
    .map((m) => m.slice('cli/dist/src/commands/'.length));

describe('what a command loads at start-up', () => {
  it('hearth --version loads only the entry, its stdio set-up, the built help and the version', async () => {
    const { result, modules } = await loads(['--version']);
    assert.equal(result.stdout, '0.1.0\n');
    assert.deepEqual(modules, [
      'cli/dist/src/main.js',
      'cli/dist/src/built-help.js',
      'cli/dist/src/stdio-open.js',
      'cli/dist/src/version.js',
    ]);
  });

  it('hearth whoami loads its own command file and the API client, not the tunnel, exec, ws or schemas', async () => {
    const { result, modules } = await loads(['whoami']);
    assert.match(result.stderr, /127\.0\.0\.1:9/, 'it got as far as the request');
    assert.deepEqual(commandFiles(modules), ['auth.js']);
    assert.ok(modules.includes('sdk/dist/src/client/request.js'));
    assert.ok(modules.includes('sdk/dist/src/client/net-request.js'));
    for (const m of modules) assert.doesNotMatch(m, /client\/(tunnel|exec)\.js$|\/ws\/|typebox/);
    // Its request goes over node:net (net-request.ts): not node:http, nor node:fs/promises.
    assert.deepEqual(builtins(modules), ['node:fs', 'node:os', 'node:path', 'node:net']);
  });

  it('hearth list loads only the workspace commands, and no schemas', async () => {
    const { modules } = await loads(['list']);
    assert.deepEqual(commandFiles(modules), ['workspaces.js']);
    for (const m of modules) assert.doesNotMatch(m, /typebox|sdk\/dist\/src\/api\/paging\.js$/);
    assert.deepEqual(builtins(modules), [
      'node:timers/promises',
      'node:fs',
      'node:os',
      'node:path',
      'node:net',
    ]);
  });

  it('the SSH tunnel (every OpenSSH connection through hearth ssh --stdio) loads no schema library', async () => {
    const log = join(dir, 'tunnel.log');
    const tunnel = join(PACKAGES, 'sdk/dist/src/client/tunnel.js');
    const result = await run(
      process.execPath,
      ['--import', LOAD_LOG, '-e', `await import(${JSON.stringify(tunnel)})`],
      {
        PATH: process.env.PATH,
        HEARTH_LOAD_LOG: log,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const modules = (await readFile(log, 'utf8')).trim().split('\n');
    assert.ok(modules.some((m) => m.endsWith('/client/tunnel.js')));
    for (const m of modules) assert.doesNotMatch(m, /typebox|\/api\/paging\.js$/);
  });

  it('hearth --help loads every command file, and no API client', async () => {
    const { result, modules } = await loads(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Administration:/);
    const all = (await readdir(join(PACKAGES, 'cli/dist/src/commands'))).filter((f) => f.endsWith('.js'));
    assert.deepEqual([...commandFiles(modules)].sort(), all.sort());
    for (const m of modules) assert.doesNotMatch(m, /sdk\/dist\/src\/client\/index\.js$|typebox/);
  });
});
