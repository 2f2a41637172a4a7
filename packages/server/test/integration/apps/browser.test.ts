/**
 * Workspace apps in a real browser (Chromium, headless): opening an app URL signs in through the
 * main origin and lands on the app's page; the page's own WebSocket and EventSource work through
 * the proxy; the app origin's cookie is invisible to the page's script. Signing in on the main
 * origin is the dashboard's own sign-in form and its session cookie.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Api } from '../../support/api.js';
import { CHROMIUM, launchBrowser } from '../../support/browser.js';
import { addMember, PASSWORD, settled, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';

describe('workspace apps in Chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  const t = useHearth();
  let bob: Api;

  before(async () => {
    await t.alice.post('/orgs/default/images', { ref: IMAGE });
    bob = await addMember(t.alice, 'bob');
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    t.created.add(ws.body.id);
    assert.equal((await settled(bob, 'me', 'api', 120_000)).state, 'running');
    await waitFor('web to turn healthy', async () =>
      (await bob.get('/users/me/workspaces/api/apps')).body.apps.find(
        (a: { name: string }) => a.name === 'web',
      )?.health === 'healthy'
        ? true
        : undefined,
    );
  });

  it('signs in through the main origin, loads the page, and speaks WebSocket and SSE from it', async () => {
    const main = new URL(t.hearth.server.url);
    const appUrl = (await bob.get('/users/me/workspaces/api/apps/web')).body.url as string;
    assert.equal(new URL(appUrl).hostname, 'web--api--bob.localhost');
    const browser = await launchBrowser();
    const { context } = browser;
    const page = await browser.newPage();
    // Signed out, the app origin sends the browser to the main origin to sign in: its sign-in page.
    await page.goto(appUrl);
    assert.equal(new URL(page.url()).host, main.host);
    assert.match(new URL(page.url()).searchParams.get('next') ?? '', /^\/api\/v1\/apps\/auth\?redirect=/);
    await page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
    // Signed in on the dashboard (its cookie), the main origin hands a one-time ticket to the app
    // host, which sets its own cookie and shows the app.
    const dashboard = await context.newPage();
    await dashboard.goto(`${t.hearth.server.url}/`);
    await dashboard.getByLabel('Username').fill('bob');
    await dashboard.getByLabel('Password').fill(PASSWORD);
    await dashboard.getByRole('button', { name: 'Sign in' }).click();
    await dashboard.getByRole('heading', { name: 'Workspaces' }).waitFor();
    await dashboard.close();
    const response = await page.goto(appUrl);
    assert.equal(response?.status(), 200);
    assert.equal(page.url(), appUrl);
    // From now on the app host's own cookie is all the browser sends, and it is enough.
    assert.equal((await page.reload())?.status(), 200);
    assert.equal(await page.textContent('h1'), 'Hello from the workspace');
    // HttpOnly: the app's script cannot read Hearth's cookie.
    assert.equal(await page.evaluate('document.cookie'), '');
    // The app host has its own cookie; the dashboard's stays on the main origin's host.
    const cookies = await context.cookies();
    assert.deepEqual(
      cookies.map((c) => [c.name, c.domain, c.httpOnly]).sort(),
      [
        ['hearth_app_session', 'web--api--bob.localhost', true],
        ['hearth_session', main.hostname, true],
      ].sort(),
    );
    const echoed = await page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const socket = new (globalThis as any).WebSocket(`ws://${(globalThis as any).location.host}/ws`);
          const got: string[] = [];
          socket.onopen = () => {
            for (let i = 0; i < 100; i++) socket.send(`m${i}`);
          };
          socket.onmessage = (e: { data: unknown }) => {
            got.push(String(e.data));
            if (got.length === 100) resolve(got);
          };
          socket.onerror = () => reject(new Error('websocket failed'));
        }),
    );
    assert.deepEqual(
      echoed,
      Array.from({ length: 100 }, (_, i) => `m${i}`),
    );
    const events = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const source = new (globalThis as any).EventSource('/sse?n=3&ms=200');
          const got: number[] = [];
          source.onmessage = (e: { data: string }) => {
            got.push(JSON.parse(e.data).i);
            if (got.length === 3) {
              source.close();
              resolve(got);
            }
          };
        }),
    );
    assert.deepEqual(events, [0, 1, 2]);
    await browser.close();
  });
});
