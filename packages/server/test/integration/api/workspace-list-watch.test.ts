/**
 * GET /workspaces/watch: the caller's own workspaces as they change, and nothing of anyone else's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HearthClient, type WorkspaceListEvent } from '@hearth/sdk';
import { addMember, DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';

describe('the workspace list watch stream', () => {
  const t = useHearth();

  it("streams the owner's workspace from creation to gone, and shows another member nothing", async () => {
    const bob = await addMember(t.alice, 'bob');
    const url = t.hearth.server.url;
    const abort = new AbortController();
    const collect = (token: string, into: WorkspaceListEvent[]) =>
      (async () => {
        const client = new HearthClient({ url, token });
        for await (const ev of client.watchWorkspaces({ signal: abort.signal })) into.push(ev);
      })().catch(() => undefined);
    const alices: WorkspaceListEvent[] = [];
    const bobs: WorkspaceListEvent[] = [];
    void collect(t.alice.token!, alices);
    void collect(bob.token!, bobs);
    await new Promise((r) => setTimeout(r, 300));

    const ws = await t.alice.post('/workspaces', { name: 'live', image: DEMO_IMAGE });
    t.created.add(ws.body.id);
    await settled(t.alice, 'me', 'live');
    assert.equal((await t.alice.delete('/users/me/workspaces/live')).status, 202);
    await settled(t.alice, 'me', 'live');
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();

    const states = alices.flatMap((e) => (e.event === 'workspace' ? [e.data.state] : []));
    assert.ok(states.includes('building'), `saw ${states.join(' ')}`);
    assert.ok(states.includes('running'), `saw ${states.join(' ')}`);
    assert.deepEqual(alices.at(-1), { event: 'gone', data: { id: ws.body.id } });
    assert.deepEqual(bobs, []);
  });
});
