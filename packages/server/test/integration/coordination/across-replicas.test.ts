/**
 * Two replicas on one PostgreSQL database and the one engine. Replica 0 builds; replica 1 runs no
 * builds (build concurrency 0, a test-only setting) and serves the API and sessions, so whatever
 * it shows of a build another replica ran. Log following and watch through replica 1, an SSH
 * session on replica 1 ended by a revocation made on replica 0, the org quota held against
 * concurrent creates on both, and the admin view of the replicas.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HearthClient, type LogStreamEvent } from '@hearth/sdk';
import { addMember, DEMO_IMAGE, settled } from '../../support/hearth.js';
import { useReplicas } from '../../support/replicas.js';
import { sshStream, timeEnd } from '../../support/streams.js';
import { waitFor } from '../../support/wait.js';

describe('across two replicas', () => {
  const r = useReplicas([{}, { buildConcurrency: 0 }]);
  const ids = new Map<string, string>();
  const wsId = (name: string) => ids.get(name)!;

  it('given a workspace created on the serving replica, then the building replica builds it, and the serving one streams its log live and watches it', async () => {
    const onB = r.on(1);
    const created = await onB.post('/workspaces', { name: 'logs', image: DEMO_IMAGE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    r.created.add(created.body.id);
    ids.set('logs', created.body.id);
    const client = new HearthClient({ url: r.servers[1]!.server.url, token: r.alice.token! });
    const abort = new AbortController();
    const watched = (async () => {
      const seen: string[] = [];
      for await (const event of client.watchWorkspace('me', 'logs', { signal: abort.signal })) {
        if (event.event === 'workspace' && seen.at(-1) !== event.data.state) seen.push(event.data.state);
        if (event.event === 'log') seen.push('log');
        if (event.event === 'workspace' && event.data.state === 'running') return seen;
      }
      return seen;
    })();
    const lines: string[] = [];
    let end: LogStreamEvent | undefined;
    for await (const event of client.followBuildLog('me', 'logs', 1)) {
      if (event.event === 'log') lines.push(event.data.text);
      else end = event;
    }
    const states = await watched;
    abort.abort();
    assert.equal(states.at(-1), 'running', `watch through replica 1 saw ${JSON.stringify(states)}`);
    assert.ok(states.includes('log'), 'and live log lines');
    assert.deepEqual(end, { event: 'end', data: { status: 'succeeded' } });
    assert.ok(lines.length > 3, `log lines through replica 1: ${JSON.stringify(lines)}`);
    const build = (await onB.get('/users/me/workspaces/logs/builds/1')).body;
    const replicas = (await onB.get('/admin/replicas')).body;
    const builder = replicas.replicas.find((x: { self: boolean; id: string }) => x.id === build.replica);
    assert.ok(builder, `build #1 names a live replica: ${build.replica}`);
    assert.equal(builder.self, false, 'replica 1 builds nothing');
    assert.equal((await onB.get('/users/me/workspaces/logs')).body.state, 'running');
  });

  it('given the admin view on either replica, then both replicas are listed with their address and heartbeat, and the queue depth', async () => {
    for (const i of [0, 1]) {
      const answer = await r.on(i).get('/admin/replicas');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.replicas.length, 2);
      assert.deepEqual(
        answer.body.replicas.map((x: { address: string }) => x.address).sort(),
        r.servers.map((s) => s.server.url).sort(),
      );
      assert.deepEqual(
        answer.body.replicas
          .filter((x: { self: boolean }) => x.self)
          .map((x: { address: string }) => x.address),
        [r.servers[i]!.server.url],
      );
      assert.equal(answer.body.queuedBuilds, 0);
    }
  });

  it('given an SSH session held on replica 1, when its token is revoked on replica 0, then the session ends with the reason', async () => {
    const token = (await r.on(0).post('/tokens', { name: 'ssh', lifetime: '1d' })).body;
    const session = await sshStream(r.servers[1]!.server.url, token.token, 'alice', 'logs');
    const { ms, message } = await timeEnd(session, () => r.on(0).delete(`/tokens/${token.id}`));
    assert.match(message, /revoked/);
    assert.ok(ms < 5_000, `ended after ${Math.round(ms)} ms`);
  });

  it('given an SSH session open on replica 1, when replica 0 decides auto-off long past the threshold, then it keeps the workspace, and stops it once the session closed', async () => {
    assert.equal((await r.alice.patch('/orgs/default/policy', { autoOff: '1h' })).status, 200);
    const token = (await r.on(0).post('/tokens', { name: 'idle', lifetime: '1d' })).body;
    const session = await sshStream(r.servers[1]!.server.url, token.token, 'alice', 'logs');
    await r.servers[1]!.server.activity.settle();
    const executor = r.servers[0]!.server.executor;
    const later = (hours: number) => new Date(Date.now() + hours * 3_600_000);
    const kept = await executor.tick(later(3));
    assert.deepEqual(
      kept.actions.map((a) => a.kind),
      ['keep_alive'],
      `a session elsewhere is use: ${JSON.stringify(kept)}`,
    );
    assert.equal((await r.alice.get('/users/me/workspaces/logs')).body.state, 'running');
    session.close();
    await session.ended;
    await waitFor('the session’s lease to go', async () =>
      (await r.servers[0]!.server.activity.usage(wsId('logs'))).openSessions === 0 ? true : undefined,
    );
    const stopped = await executor.tick(later(9));
    assert.ok(
      stopped.actions.some((a) => a.kind === 'auto_off'),
      `idle without sessions: ${JSON.stringify(stopped)}`,
    );
    assert.equal((await settled(r.alice, 'me', 'logs')).state, 'stopped');
    assert.equal((await r.alice.patch('/orgs/default/policy', { autoOff: '0' })).status, 200);
  });

  it('given a member at the edge of the quota, when six creates race on both replicas, then exactly as many as fit are accepted', async () => {
    assert.equal((await r.alice.patch('/orgs/default/limits', { memberCpuQuota: 2 })).status, 200);
    const bob = await addMember(r.alice, 'bob');
    const answers = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((n) =>
        r.on(n % 2, bob).post('/workspaces', { name: `q${n}`, image: DEMO_IMAGE, cpu: 1, memory: '512MiB' }),
      ),
    );
    for (const a of answers) if (a.status === 201) r.created.add(a.body.id);
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [201, 201, 422, 422, 422, 422], JSON.stringify(answers.map((a) => a.body)));
    for (const a of answers.filter((x) => x.status === 422)) assert.equal(a.body.code, 'limit_exceeded');
    for (const a of answers.filter((x) => x.status === 201)) await settled(bob, 'me', a.body.name);
  });
});
