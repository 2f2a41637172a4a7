/**
 * Tests and benches run against the engine `DOCKER_HOST` names (and `hearth server` would use),
 * never a hard-coded socket: every engine client in them comes from test/support/engine.ts, or
 * in a bench from the server's own config and endpoint resolution.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

function sources(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.split('/').includes('dist'))
    .map((f) => join(dir, f));
}

/** What talks to an engine: integration and e2e tests, their support code, the benches. */
const ENGINE_USERS = [
  ...['packages/server/test', 'packages/cli/test'].flatMap((d) => sources(d, '.ts')),
  ...sources('bench', '.js'),
].filter((f) => !f.includes('/test/unit/'));

const RULES: [string, RegExp][] = [
  ['a hard-coded default socket', /\/var\/run\/docker\.sock/],
  ['a driver on the default engine', /new DockerRuntime\(\{\s*\}\)/],
  ['a dockerode client on a fixed socket', /new Docker\(\{/],
];

describe('engine endpoint in tests and benches', () => {
  it('given the files that reach an engine, then none of them bypasses DOCKER_HOST', () => {
    assert.ok(ENGINE_USERS.length > 10, `found only ${ENGINE_USERS.length} files under ${ROOT}`);
    const offenders: string[] = [];
    for (const file of ENGINE_USERS) {
      if (file.endsWith('test/support/engine.ts')) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [what, pattern] of RULES)
        if (pattern.test(text)) offenders.push(`${relative(ROOT, join(ROOT, file))}: ${what}`);
    }
    assert.deepEqual(offenders, [], 'use testRuntime()/testDocker() from test/support/engine.ts');
  });
});
