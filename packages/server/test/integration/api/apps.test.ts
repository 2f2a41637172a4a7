/**
 * Workspace apps and port URLs on the real engine: apps declared by the image (Coder's format)
 * start at build end and turn healthy; their pages, WebSockets, large bodies and server-sent
 * events go through the app origin; who gets in at each sharing level; the main origin's
 * credential never counts on an app origin; a stopped workspace's URL says so.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { Api } from '../../support/api.js';
import { appRequest, hostAndPath, signIn } from '../../support/apps.js';
import { addMember, settled, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';

describe('workspace apps and port URLs', () => {
  const t = useHearth();
  let bob: Api;
  let dave: Api;
  let carol: Api;
  let wsId: string;
  let domain: string;
  const url = (target: string, path = '/') => `http://${target}--api--bob.${domain}${path}`;
  const cookies = new Map<string, string>();
  /** The viewer's cookie for `target`'s host (signing in once per host). */
  const cookieFor = async (who: Api, target: string): Promise<string | undefined> => {
    const key = `${who.token}:${target}`;
    if (!cookies.has(key)) {
      const signed = await signIn(t.hearth.server.url, who.token!, url(target));
      if (!signed.cookie) return undefined;
      cookies.set(key, signed.cookie);
    }
    return cookies.get(key);
  };

  before(async () => {
    domain = `localhost:${new URL(t.hearth.server.url).port}`;
    const added = await t.alice.post('/orgs/default/images', {
      ref: IMAGE,
      defaults: { cpu: 1, memory: '1GiB', disk: '10GiB' },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    bob = await addMember(t.alice, 'bob');
    dave = await addMember(t.alice, 'dave');
    carol = await addMember(t.alice, 'carol');
    assert.equal((await t.alice.put('/orgs/default/members/carol', { role: 'admin' })).status, 200);
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    wsId = ws.body.id;
    t.created.add(wsId);
    const done = await settled(bob, 'me', 'api', 120_000);
    assert.equal(done.state, 'running', JSON.stringify(done));
  });

  it('reads the declared apps at build time, starts the one with a command, and reports health as declared', async () => {
    const build = await bob.get('/users/me/workspaces/api/builds/1');
    const stage = build.body.stages.find((s: { name: string }) => s.name === 'apps');
    assert.equal(stage?.status, 'succeeded', JSON.stringify(build.body.stages));
    const apps = await waitFor('web to turn healthy', async () => {
      const list = await bob.get('/users/me/workspaces/api/apps');
      return list.body.apps.find((a: { name: string }) => a.name === 'web')?.health === 'healthy'
        ? list.body
        : undefined;
    });
    const web = apps.apps.find((a: { name: string }) => a.name === 'web');
    assert.equal(web.url, url('web'));
    assert.equal(web.port, 8080);
    assert.equal(web.command, '/opt/hearth/node/bin/node /opt/test-app/server.cjs 8080');
    assert.equal(web.sharing, 'owner');
    // From /hearth/apps.yaml: nothing listens on 9090, so its http check fails.
    const notes = apps.apps.find((a: { name: string }) => a.name === 'notes');
    assert.deepEqual([notes.port, notes.command, notes.health], [9090, null, 'unhealthy']);
  });

  it("serves the app's page on its own origin to its signed-in owner, and sends the signed-out to sign in", async () => {
    const out = await appRequest(t.hearth.server.url, url('web'));
    assert.equal(out.status, 302);
    const location = new URL(out.headers.location!);
    assert.equal(location.origin, t.hearth.server.url);
    assert.equal(location.pathname, '/api/v1/apps/auth');
    assert.equal(location.searchParams.get('redirect'), url('web'));
    const cookie = await cookieFor(bob, 'web');
    assert.ok(cookie?.startsWith('hearth_app_session='));
    const page = await appRequest(t.hearth.server.url, url('web'), { cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from the workspace/);
    // The app never sees Hearth's cookie, and learns the original host.
    const headers = JSON.parse(
      (await appRequest(t.hearth.server.url, url('web', '/headers'), { cookie: `${cookie}; theirs=1` })).body,
    );
    assert.equal(headers.cookie, 'theirs=1');
    assert.equal(headers.host, `web--api--bob.${domain}`);
    // Nor a visitor's Hearth credentials, nor a client's word for who it is; its own auth passes.
    const sent = JSON.parse(
      (
        await appRequest(t.hearth.server.url, url('web', '/headers'), {
          cookie: `hearth_session=hth_dashboard; ${cookie}; theirs=1`,
          headers: { authorization: `Bearer ${bob.token}`, 'x-forwarded-user': 'alice' },
        })
      ).body,
    );
    assert.deepEqual(
      [sent.cookie, sent.authorization, sent['x-forwarded-user']],
      ['theirs=1', undefined, undefined],
    );
    const own = JSON.parse(
      (
        await appRequest(t.hearth.server.url, url('web', '/headers'), {
          cookie,
          headers: { authorization: 'Bearer app-own' },
        })
      ).body,
    );
    assert.equal(own.authorization, 'Bearer app-own');
    // The app's cookies stay on its own host, and none of them is Hearth's.
    const set = await appRequest(
      t.hearth.server.url,
      url('web', `/set-cookies?domain=${domain.split(':')[0]}`),
      {
        cookie,
      },
    );
    assert.deepEqual(set.headers['set-cookie'], ['wide=1; Path=/', 'own=2; Path=/; HttpOnly']);
  });

  it("never accepts the main origin's credential on an app origin, nor one app host's cookie on another", async () => {
    const withBearer = await appRequest(t.hearth.server.url, url('web'), {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.equal(withBearer.status, 302);
    const asCookie = await appRequest(t.hearth.server.url, url('web'), {
      cookie: `hearth_app_session=${bob.token}`,
    });
    assert.equal(asCookie.status, 302);
    const webCookie = await cookieFor(bob, 'web');
    const elsewhere = await appRequest(t.hearth.server.url, url('8080'), { cookie: webCookie });
    assert.equal(elsewhere.status, 302);
    // The API is not served on an app host, and apps are not served on the main origin.
    const api = await appRequest(t.hearth.server.url, url('web', '/api/v1/users/me'), {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    assert.notEqual(api.status, 200);
    // On the main origin an app's path is the dashboard's (its page), never the app's answer.
    const main = await fetch(`${t.hearth.server.url}/healthz`);
    const page = await main.text();
    assert.notEqual(page, 'ok');
    assert.match(page, /<title>Hearth<\/title>/);
    // A ticket works once, and only on the host it was issued for.
    const auth = await fetch(
      `${t.hearth.server.url}/api/v1/apps/auth?redirect=${encodeURIComponent(url('web'))}`,
      {
        headers: { authorization: `Bearer ${bob.token}` },
        redirect: 'manual',
      },
    );
    const ticketUrl = new URL(auth.headers.get('location')!);
    const wrongHost = `http://8080--api--bob.${domain}${ticketUrl.pathname}${ticketUrl.search}`;
    assert.equal((await appRequest(t.hearth.server.url, wrongHost)).status, 404);
    assert.equal(
      (await appRequest(t.hearth.server.url, ticketUrl.href)).status,
      404,
      'a ticket is single use',
    );
  });

  it('lets in whom each sharing level allows, capped by the org, and answers everyone else as for nothing there', async () => {
    const nothing = await appRequest(t.hearth.server.url, `http://8080--nope--bob.${domain}/`, {
      cookie: await cookieFor(dave, 'web'),
    });
    const viewers = { owner: bob, member: dave, 'org admin': carol, 'site admin': t.alice } as const;
    const outcome = async (who: Api | undefined): Promise<string> => {
      if (!who) {
        const answer = await appRequest(t.hearth.server.url, url('8080'));
        return answer.status === 200 ? 'app' : answer.status === 302 ? 'sign in' : String(answer.status);
      }
      const signed = await signIn(t.hearth.server.url, who.token!, url('8080'));
      if (!signed.cookie) return signed.status === 404 ? 'not found' : String(signed.status);
      const answer = await appRequest(t.hearth.server.url, url('8080'), { cookie: signed.cookie });
      return answer.status === 200
        ? 'app'
        : answer.status === 404 && answer.body === nothing.body
          ? 'not found'
          : String(answer.status);
    };
    const matrix = async () => {
      const row: Record<string, string> = {};
      for (const [name, who] of Object.entries(viewers)) row[name] = await outcome(who);
      row['signed out'] = await outcome(undefined);
      return row;
    };
    const all = (value: string) => ({
      owner: 'app',
      member: value,
      'org admin': value,
      'site admin': value,
      'signed out': value,
    });

    // The org default allows up to authenticated.
    assert.deepEqual(await matrix(), { ...all('not found'), 'signed out': 'sign in' });
    assert.equal(
      (await bob.put('/users/me/workspaces/api/apps/8080/share', { level: 'authenticated' })).status,
      200,
    );
    assert.deepEqual(await matrix(), { ...all('app'), 'signed out': 'sign in' });
    const refused = await bob.put('/users/me/workspaces/api/apps/8080/share', { level: 'public' });
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /allows sharing up to "authenticated"/);

    // Only org admins raise the maximum.
    assert.equal((await dave.patch('/orgs/default/policy', { maxShareLevel: 'public' })).status, 403);
    assert.equal(
      (await carol.patch('/orgs/default/policy', { maxShareLevel: 'public' })).body.maxShareLevel,
      'public',
    );
    assert.equal(
      (await bob.put('/users/me/workspaces/api/apps/8080/share', { level: 'public' })).status,
      200,
    );
    assert.deepEqual(await matrix(), all('app'));
    // Forbidding public again caps the existing share at once.
    await carol.patch('/orgs/default/policy', { maxShareLevel: 'authenticated' });
    assert.deepEqual(await matrix(), { ...all('app'), 'signed out': 'sign in' });
    const listed = await bob.get('/users/me/workspaces/api/apps');
    assert.deepEqual(listed.body.ports, [{ target: '8080', url: url('8080'), sharing: 'authenticated' }]);
    // Owner only again; and only the owner may share.
    assert.equal(
      (await dave.put('/users/bob/workspaces/api/apps/8080/share', { level: 'owner' })).status,
      404,
    );
    assert.equal((await bob.put('/users/me/workspaces/api/apps/8080/share', { level: 'owner' })).status, 200);
    assert.deepEqual(await matrix(), { ...all('not found'), 'signed out': 'sign in' });
  });

  it('round-trips 1,000 WebSocket messages, counting the open socket as activity', async () => {
    const cookie = await cookieFor(bob, 'web');
    const { host } = hostAndPath(url('web'));
    const port = new URL(t.hearth.server.url).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host, cookie: cookie! } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const before = t.hearth.server.activity.openSessions(wsId);
    assert.ok(before >= 1);
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        received.push(String(data));
        if (received.length === 1000) resolve();
      }),
    );
    for (let i = 0; i < 1000; i++) socket.send(`message ${i}`);
    await all;
    assert.deepEqual(
      received,
      Array.from({ length: 1000 }, (_, i) => `message ${i}`),
    );
    socket.close();
    await waitFor('the socket to be released', async () =>
      t.hearth.server.activity.openSessions(wsId) < before ? true : undefined,
    );
    const refused = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host } });
    const status = await new Promise((resolve) =>
      refused
        .once('unexpected-response', (_req, res) => resolve(res.statusCode))
        .once('error', () => resolve('error')),
    );
    assert.equal(status, 401);
  });

  it('carries a 100 MB upload and a 100 MB download byte-exact', async () => {
    const cookie = await cookieFor(bob, 'web');
    const size = 100 * 2 ** 20;
    const chunk = Buffer.alloc(2 ** 20);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7 + 3) & 0xff;
    const expected = createHash('sha256');
    for (let i = 0; i < 100; i++) expected.update(chunk);
    const upload = await appRequest(t.hearth.server.url, url('web', '/upload'), {
      cookie,
      method: 'POST',
      headers: { 'content-length': String(size) },
      body: Readable.from(
        (function* () {
          for (let i = 0; i < 100; i++) yield chunk;
        })(),
      ),
    });
    assert.deepEqual(JSON.parse(upload.body), { bytes: size, sha256: expected.digest('hex') });

    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
    const want = createHash('sha256');
    for (let i = 0; i < size / block.length; i++) want.update(block);
    const { host, path } = hostAndPath(url('web', `/download?bytes=${size}`));
    const got = await new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: new URL(t.hearth.server.url).port, path, headers: { host, cookie } },
        (res) => {
          const hash = createHash('sha256');
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            hash.update(c);
            bytes += c.length;
          });
          res.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(got, { bytes: size, sha256: want.digest('hex') });
  });

  it('streams server-sent events as they are sent, not when the stream ends', async () => {
    const cookie = await cookieFor(bob, 'web');
    const { host, path } = hostAndPath(url('web', '/sse?n=4&ms=400'));
    const arrivals = await new Promise<number[]>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: new URL(t.hearth.server.url).port, path, headers: { host, cookie } },
        (res) => {
          assert.equal(res.headers['content-type'], 'text/event-stream');
          const times: number[] = [];
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            while (text.includes('\n\n')) {
              text = text.slice(text.indexOf('\n\n') + 2);
              times.push(Date.now());
            }
          });
          res.on('end', () => resolve(times));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(arrivals.length, 4);
    // Each event arrives on its own, about 400 ms after the one before.
    for (let i = 1; i < arrivals.length; i++)
      assert.ok(arrivals[i]! - arrivals[i - 1]! > 250, JSON.stringify(arrivals));
  });

  it("shows a stopped workspace's URL as stopped, with a button that starts it", async () => {
    const cookie = await cookieFor(bob, 'web');
    assert.equal((await bob.post('/users/me/workspaces/api/stop')).status, 202);
    await settled(bob, 'me', 'api');
    const page = await appRequest(t.hearth.server.url, url('web'), { cookie });
    assert.equal(page.status, 503);
    assert.match(page.body, /Workspace api is stopped/);
    assert.match(page.body, /<form method="post" action="\/\.hearth\/start">/);
    const start = await appRequest(t.hearth.server.url, url('web', '/.hearth/start'), {
      cookie,
      method: 'POST',
    });
    assert.equal(start.status, 303);
    const ws = await settled(bob, 'me', 'api', 120_000);
    assert.equal(ws.state, 'running');
    await waitFor('web to serve again', async () =>
      (await appRequest(t.hearth.server.url, url('web'), { cookie })).status === 200 ? true : undefined,
    );
  });

  it('ends app sessions, and their open WebSockets, when the login that opened them ends', async () => {
    await bob.put('/users/me/workspaces/api/apps/web/share', { level: 'authenticated' });
    const cookie = await cookieFor(dave, 'web');
    assert.equal((await appRequest(t.hearth.server.url, url('web'), { cookie })).status, 200);
    const port = new URL(t.hearth.server.url).port;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
      headers: { host: hostAndPath(url('web')).host, cookie: cookie! },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    assert.equal((await dave.post('/auth/logout')).status, 204);
    // Its open WebSocket ends with it.
    await closed;
    assert.equal((await appRequest(t.hearth.server.url, url('web'), { cookie })).status, 302);
  });

  it('keeps the workspace from auto-off while a browser holds a connection to its app, and not after', async () => {
    const cookie = await cookieFor(bob, 'web');
    assert.equal((await carol.patch('/orgs/default/policy', { autoOff: '1m' })).status, 200);
    const { host, path } = hostAndPath(url('web'));
    // A browser tab: one keep-alive connection that stays open between requests.
    const tab = new Agent({ keepAlive: true, maxSockets: 1 });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: new URL(t.hearth.server.url).port,
          path,
          headers: { host, cookie },
          agent: tab,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end();
    });
    const later = () => new Date(Date.now() + 2 * 60 * 60_000);
    await t.hearth.server.executor.tick(later());
    assert.equal((await bob.get('/users/me/workspaces/api')).body.state, 'running');
    tab.destroy();
    await waitFor('the tab’s connection to be released', async () =>
      t.hearth.server.activity.openSessions(wsId) === 0 ? true : undefined,
    );
    await t.hearth.server.executor.tick(later());
    const ws = await settled(bob, 'me', 'api');
    assert.equal(ws.stateReason.code, 'auto_off');
  });
});
