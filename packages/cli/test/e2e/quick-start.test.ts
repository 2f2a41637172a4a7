/**
 * `npm start` as the README's quick start runs it (scripts/start.sh), on this host's engine: it
 * prepares only what the server needs. npm is stubbed (the checkout is installed and built already,
 * and a test must not reinstall the node_modules it runs from); the rest is real.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../support/e2e.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('npm start (scripts/start.sh)', () => {
  let stubs: string;

  before(async () => {
    stubs = await mkdtemp(join(tmpdir(), 'hearth-start-'));
    await writeFile(join(stubs, 'npm'), '#!/bin/sh\nexit 0\n');
    await chmod(join(stubs, 'npm'), 0o755);
  });
  after(async () => {
    await run('rm', ['-rf', stubs], process.env);
  });

  it('builds the demo image only; the test images are the test command’s', async () => {
    const result = await run('bash', [join(ROOT, 'scripts', 'start.sh'), '--help'], {
      ...process.env,
      PATH: `${stubs}:${process.env.PATH}`,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^build-images: ready: hearth-demo:latest$/m);
    assert.doesNotMatch(result.stderr, /hearth-test-/);
    assert.match(result.stdout, /^Usage: hearth server/m);
  });
});
