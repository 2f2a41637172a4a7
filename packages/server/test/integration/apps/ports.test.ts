/**
 * What a workspace listens on, on the real engine: the listening ports with their URLs, sharing and
 * declared app; a server started in the workspace shows up (which addresses count is unit-tested
 * in core/listening-ports: this engine gives containers loopback only); a declared app's icon
 * from the image, as an image that cannot run script; only the owner sees either; a stopped workspace says so. And a browser that is not signed in,
 * sent to the app sign-in route, is sent on to the dashboard's sign-in page rather than a 401.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { appRequest } from '../../support/apps.js';
import { addMember, settled, shell, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';
const NODE = '/opt/hearth/node/bin/node';

interface Port {
  port: number;
  url: string;
  sharing: string;
  app: string | null;
}

describe('listening ports and app icons', () => {
  const t = useHearth();
  let bob: Api;
  let dave: Api;
  let containerId: string;

  before(async () => {
    await t.alice.post('/orgs/default/images', { ref: IMAGE });
    bob = await addMember(t.alice, 'bob');
    dave = await addMember(t.alice, 'dave');
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    t.created.add(ws.body.id);
    const done = await settled(bob, 'me', 'api', 120_000);
    assert.equal(done.state, 'running', JSON.stringify(done));
    containerId = (await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.body.id }))[0]!.id;
  });

  const ports = async (): Promise<Port[]> => {
    const answer = await bob.get('/users/me/workspaces/api/ports');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.ports;
  };

  it('lists the declared app on its port, then a server started in the workspace, with URL and sharing', async () => {
    const domain = `localhost:${new URL(t.hearth.server.url).port}`;
    const first = await waitFor('web and secure to listen', async () => {
      const list = await ports();
      return list.some((p) => p.port === 8080) && list.some((p) => p.port === 8443) ? list : undefined;
    });
    assert.deepEqual(first, [
      { port: 8080, url: `http://8080--api--bob.${domain}/`, sharing: 'owner', app: 'web' },
      { port: 8443, url: `http://8443--api--bob.${domain}/`, sharing: 'owner', app: 'secure' },
    ]);
    const server = (port: number, host: string) =>
      `setsid ${NODE} -e "require('http').createServer((q,s)=>s.end('hi')).listen(${port},'${host}')" >/dev/null 2>&1 </dev/null &`;
    await shell(t.hearth.runtime, containerId, server(3000, '127.0.0.1'));
    await bob.put('/users/me/workspaces/api/apps/3000/share', { level: 'authenticated' });
    const after = await waitFor('port 3000 to listen', async () => {
      const list = await ports();
      return list.some((p) => p.port === 3000) ? list : undefined;
    });
    assert.deepEqual(
      after.map((p) => [p.port, p.app, p.sharing, p.url]),
      [
        [3000, null, 'authenticated', `http://3000--api--bob.${domain}/`],
        [8080, 'web', 'owner', `http://8080--api--bob.${domain}/`],
        [8443, 'secure', 'owner', `http://8443--api--bob.${domain}/`],
      ],
    );
    assert.equal((await bob.get('/users/me/workspaces/api/ports')).body.maxShareLevel, 'authenticated');
  });

  it("serves a declared app's icon to its owner as an image that may not run script", async () => {
    const icon = await fetch(`${t.hearth.server.url}/api/v1/users/me/workspaces/api/apps/web/icon`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.match(icon.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
    assert.equal(icon.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await icon.text(), /^<svg /);
    const none = await bob.get('/users/me/workspaces/api/apps/notes/icon');
    assert.equal(none.status, 404);
    assert.match(none.body.message, /app notes of api has no icon to show/);
  });

  it('shows neither ports nor icons to anyone but the owner, not even that the workspace exists', async () => {
    for (const path of ['/users/bob/workspaces/api/ports', '/users/bob/workspaces/api/apps/web/icon']) {
      const other = await dave.get(path);
      assert.equal(other.status, 404, path);
      assert.equal(other.body.code, 'workspace_not_found');
      assert.equal((await t.alice.get(path)).status, 404, `the site admin, ${path}`);
    }
  });

  it('sends a browser that is not signed in from the app sign-in route to the sign-in page, and a program gets 401', async () => {
    const appUrl = (await bob.get('/users/me/workspaces/api/apps/web')).body.url as string;
    const path = `/api/v1/apps/auth?redirect=${encodeURIComponent(appUrl)}`;
    // Node's fetch would send its own Sec-Fetch-Mode (cors); a browser's navigation sends navigate.
    const browser = await appRequest(t.hearth.server.url, `${t.hearth.server.url}${path}`, {
      headers: { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' },
    });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.location, `/?${new URLSearchParams({ next: path })}`);
    const program = await fetch(`${t.hearth.server.url}${path}`, { redirect: 'manual' });
    assert.equal(program.status, 401);
    assert.equal(((await program.json()) as { code: string }).code, 'unauthenticated');
    const badToken = await fetch(`${t.hearth.server.url}${path}`, {
      headers: { accept: 'text/html', authorization: 'Bearer nope' },
      redirect: 'manual',
    });
    assert.equal(badToken.status, 401, 'a bearer token is a program: it gets the JSON answer');
  });

  it('says a stopped workspace is not running rather than listing nothing', async () => {
    assert.equal((await bob.post('/users/me/workspaces/api/stop')).status, 202);
    await settled(bob, 'me', 'api');
    const stopped = await bob.get('/users/me/workspaces/api/ports');
    assert.equal(stopped.status, 409);
    assert.equal(stopped.body.code, 'workspace_not_running');
    assert.match(stopped.body.message, /workspace api is stopped; start it with "hearth start api"/);
  });
});
