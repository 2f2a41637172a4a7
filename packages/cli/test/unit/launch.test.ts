import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import launch from '../../src/code-cache.cjs';

const key = {
  bundle: '/opt/hearth/app/packages/cli/dist/hearth-cli.cjs',
  size: 417982,
  mtimeMs: 1796143161306.25,
  version: 'v20.20.2',
  arch: 'x64',
  execArgv: ['--initial-old-space-size=64'],
  args: ['whoami'],
};

describe('the launcher names its code caches', () => {
  it('after the bundle path, build, node and first word', () => {
    assert.match(
      launch.cacheName(key),
      /^[0-9a-f]{8}-417982-1796143161306-v20\.20\.2-x64-[0-9a-f]{8}-whoami\.v8$/,
    );
  });

  it('differently for another build, node, flag set, bundle path or command', () => {
    const name = launch.cacheName(key);
    for (const other of [
      { size: 417983 },
      { mtimeMs: 1796143161307 },
      { version: 'v20.20.3' },
      { arch: 'arm64' },
      { execArgv: [] },
      { execArgv: ['--import', 'x'] },
      { bundle: '/work/other/packages/cli/dist/hearth-cli.cjs' },
      { args: ['list'] },
    ]) {
      assert.notEqual(launch.cacheName({ ...key, ...other }), name, JSON.stringify(other));
    }
  });

  it('options by name; arguments that are no name share one cache', () => {
    assert.match(launch.cacheName({ ...key, args: ['--help'] }), /---help\.v8$/);
    assert.match(launch.cacheName({ ...key, args: [] }), /-_\.v8$/);
    for (const first of ['../x', 'a/b', 'x'.repeat(40), 'é', '']) {
      assert.match(launch.cacheName({ ...key, args: [first] }), /-_\.v8$/, first);
    }
  });

  it('in XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(launch.cacheDir({ XDG_CACHE_HOME: '/c' }), '/c/hearth/cli');
    assert.match(launch.cacheDir({}) ?? '', /\/\.cache\/hearth\/cli$/);
  });
});
