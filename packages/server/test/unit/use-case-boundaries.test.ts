/**
 * The use cases state what a workspace needs; only the runtime driver knows how: no file under
 * workspaces/, builds/ or lifecycle/ talks to the engine, knows a host path or an engine network.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const FOLDERS = ['workspaces', 'builds', 'lifecycle'];

const RULES: [string, RegExp][] = [
  ['imports dockerode', /from 'dockerode'/],
  ['reads the host file system', /from 'node:(fs|fs\/promises|os)'/],
  ['bind-mounts a host path', /'bind'/],
  ['knows where this installation or Node is', /process\.execPath|import\.meta\.url|APP_ROOT/],
  ['names an engine network', /NetworkMode|listNetworks|'bridge'|network: '/],
];

describe('use cases and the runtime', () => {
  it('given workspaces/, builds/ and lifecycle/, then none imports dockerode, knows a host path or an engine network', () => {
    const files = FOLDERS.flatMap((folder) =>
      readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(folder, f)),
    );
    assert.ok(files.length > 10, `found only ${files.length} files under ${SRC}`);
    const offenders = files.flatMap((file) => {
      const text = readFileSync(join(SRC, file), 'utf8');
      return RULES.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${file}: ${what}`);
    });
    assert.deepEqual(
      offenders,
      [],
      'say what the workspace needs in the ContainerSpec; the driver decides how',
    );
  });
});
