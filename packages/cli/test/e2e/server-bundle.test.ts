/**
 * `hearth server` as bin/hearth runs it: the server's CommonJS bundle through the launcher, with
 * V8's code cache, finding the files that sit next to its modules (the dashboard) as unbundled.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type E2E, startE2E } from '../support/e2e.js';

let world: E2E;
before(async () => {
  world = await startE2E('hearth-server-bundle-');
});
after(() => world.close());

/** The server's code caches in the world's home, waiting up to `ms` for one to appear. */
async function serverCaches(ms: number): Promise<string[]> {
  const dir = join(world.dir, '.cache', 'hearth', 'cli');
  for (const deadline = Date.now() + ms; ; ) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const caches = names.filter((n) => n.endsWith('-server.v8'));
    if (caches.length > 0 || Date.now() > deadline) return caches;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hearth server runs the server bundle', () => {
  it('and writes its code cache once it serves', async () => {
    const caches = await serverCaches(10_000);
    assert.equal(caches.length, 1, 'one code cache for the server');
  });

  it('and serves the dashboard from packages/web/dist, as the unbundled server does', async () => {
    const response = await fetch(`${world.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /<html/i);
  });
});
