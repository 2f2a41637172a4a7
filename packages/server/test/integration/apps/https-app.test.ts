/**
 * An app declared with `scheme: https` (it serves TLS itself, with a self-signed certificate, on
 * its port inside the workspace): its https health check passes, and its URL serves its pages and
 * WebSockets, Hearth speaking TLS to it through the engine.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Api } from '../../support/api.js';
import { appRequest, hostAndPath, signIn } from '../../support/apps.js';
import { addMember, settled, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';

describe('an app that serves https inside the workspace', () => {
  const t = useHearth();
  let bob: Api;
  let appUrl: string;
  let cookie: string;

  before(async () => {
    await t.alice.post('/orgs/default/images', { ref: IMAGE });
    bob = await addMember(t.alice, 'bob');
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    t.created.add(ws.body.id);
    assert.equal((await settled(bob, 'me', 'api', 120_000)).state, 'running');
  });

  it('checks its https health check over TLS and reports it healthy', async () => {
    const secure = await waitFor('secure to turn healthy', async () => {
      const list = await bob.get('/users/me/workspaces/api/apps');
      const app = list.body.apps.find((a: { name: string }) => a.name === 'secure');
      return app?.health === 'healthy' ? app : undefined;
    });
    assert.deepEqual([secure.scheme, secure.port], ['https', 8443]);
    appUrl = secure.url;
    assert.equal(new URL(appUrl).protocol, 'http:', "the browser's side is Hearth's own app origin");
  });

  it('serves its pages through its URL, speaking TLS to it', async () => {
    const signed = await signIn(t.hearth.server.url, bob.token!, appUrl);
    assert.ok(signed.cookie, `signed in: ${signed.status}`);
    cookie = signed.cookie;
    const page = await appRequest(t.hearth.server.url, appUrl, { cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from the workspace/);
    const scheme = await appRequest(t.hearth.server.url, new URL('/scheme', appUrl).href, { cookie });
    assert.equal(scheme.body, 'https', 'the app saw a TLS connection');
  });

  it('carries its WebSockets over TLS too', async () => {
    const { host } = hostAndPath(appUrl);
    const port = new URL(t.hearth.server.url).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host, cookie } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send('over tls');
    assert.equal(await echoed, 'over tls');
    socket.close();
  });
});
