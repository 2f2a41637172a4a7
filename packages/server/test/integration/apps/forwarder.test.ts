/**
 * How port URLs reach a workspace, on the real engine: one multiplexing forwarder inside the
 * workspace carries the browser connections (to any of its ports; beside it, each port's pool
 * keeps one connection of its own, an exec), a dev server that listens only on IPv6's loopback
 * gets a working URL, and a lost forwarder is replaced by the next connection that needs it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { appRequest, signIn } from '../../support/apps.js';
import { addMember, settled, shell, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';
const NODE = '/opt/hearth/node/bin/node';
/** The forwarders' process ids in the workspace (the pattern's brackets keep grep from finding itself). */
const FORWARDERS = `for d in /proc/[0-9]*; do tr '\\0' ' ' < "$d/cmdline" 2>/dev/null | grep -q 'hearth-port-forwarde[r]' && echo "\${d#/proc/}"; done; true`;

describe('port URLs through the workspace forwarder', () => {
  const t = useHearth();
  let bob: Api;
  let containerId: string;
  let domain: string;
  const cookies = new Map<string, string>();
  const url = (port: number, path = '/') => `http://${port}--api--bob.${domain}${path}`;
  const get = async (port: number, path = '/') => {
    if (!cookies.has(url(port))) {
      const signed = await signIn(t.hearth.server.url, bob.token!, url(port));
      assert.ok(signed.cookie, `sign-in for port ${port}: ${signed.status}`);
      cookies.set(url(port), signed.cookie);
    }
    return appRequest(t.hearth.server.url, url(port, path), { cookie: cookies.get(url(port))! });
  };
  const forwarders = async () =>
    (await shell(t.hearth.runtime, containerId, FORWARDERS)).stdout.split('\n').filter(Boolean);

  before(async () => {
    domain = `localhost:${new URL(t.hearth.server.url).port}`;
    await t.alice.post('/orgs/default/images', { ref: IMAGE });
    bob = await addMember(t.alice, 'bob');
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    t.created.add(ws.body.id);
    assert.equal((await settled(bob, 'me', 'api', 120_000)).state, 'running');
    containerId = (await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.body.id }))[0]!.id;
  });

  it('gives a dev server that listens only on ::1 a working URL, and lists its port', async () => {
    await shell(
      t.hearth.runtime,
      containerId,
      `setsid ${NODE} -e "require('http').createServer((q,s)=>s.end('from ::1')).listen(3001,'::1')" >/dev/null 2>&1 </dev/null &`,
    );
    await waitFor('port 3001 to be listed', async () => {
      const list = await bob.get('/users/me/workspaces/api/ports');
      return list.body.ports.some((p: { port: number }) => p.port === 3001) || undefined;
    });
    const answer = await get(3001);
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.body, 'from ::1');
  });

  it('carries many browser connections to several ports over one forwarder in the workspace', async () => {
    await waitFor('web to answer', async () =>
      (await get(8080, '/healthz')).status === 200 ? true : undefined,
    );
    // Every request here is a new browser connection (no keep-alive on this side).
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? get(3001) : get(8080, '/healthz'))),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
    );
    assert.equal(answers[1]!.body, 'from ::1');
    assert.equal((await forwarders()).length, 1, 'one forwarder process in the workspace');
  });

  it('starts a new forwarder when the old one is lost, and the URLs keep working', async () => {
    const [old] = await forwarders();
    assert.ok(old);
    await shell(t.hearth.runtime, containerId, `kill -9 ${old}`);
    // A request already on its way when the forwarder died may fail; the next ones go through.
    // Port 3001's pool may carry them all on its lasting connection (an exec of its own, which the
    // kill left alone), so a port not asked for before, whose first connection is a stream of the
    // shared forwarder, is what needs the new one.
    await shell(
      t.hearth.runtime,
      containerId,
      `setsid ${NODE} -e "require('http').createServer((q,s)=>s.end('from 3002')).listen(3002,'127.0.0.1')" >/dev/null 2>&1 </dev/null &`,
    );
    const answers = await waitFor('the URLs to answer again', async () => {
      const all = await Promise.all([get(3001), get(3001), get(3002), get(3002)]);
      return all.every((a) => a.status === 200) ? all : undefined;
    });
    assert.deepEqual(
      answers.map((a) => a.body),
      ['from ::1', 'from ::1', 'from 3002', 'from 3002'],
    );
    const now = await forwarders();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old);
  });
});
