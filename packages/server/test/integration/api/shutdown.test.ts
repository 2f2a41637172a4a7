import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HearthClient } from '@hearth/sdk';
import { removeDir, removeLeftovers, settled, setupAlice, startHearth } from '../../support/hearth.js';

describe('graceful shutdown', () => {
  it('ends open watch streams instead of waiting for their clients', async () => {
    const hearth = await startHearth();
    const alice = await setupAlice(hearth.api);
    const ws = (await alice.post('/workspaces', { name: 'watched', image: 'hearth-demo:latest' })).body;
    try {
      await settled(alice, 'me', 'watched');
      const client = new HearthClient({ url: hearth.server.url, token: alice.token! });
      const watch = client.watchWorkspace('me', 'watched');
      assert.equal((await watch.next()).value?.event, 'workspace', 'the stream is open');

      const started = Date.now();
      await hearth.close();
      assert.ok(Date.now() - started < 5_000, `closing took ${Date.now() - started} ms`);
      // The client sees its stream end (or the connection drop) instead of hanging.
      const drained = (async () => {
        try {
          for await (const _ of watch) {
            // nothing more should arrive
          }
        } catch {
          // a dropped connection is an end too
        }
        return 'ended';
      })();
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000).unref());
      assert.equal(await Promise.race([drained, timeout]), 'ended');
    } finally {
      await removeLeftovers(hearth.runtime, [ws.id]);
      await removeDir(hearth.dataDir);
    }
  });
});
