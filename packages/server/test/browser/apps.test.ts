/**
 * Workspace apps and ports on the dashboard, in Chromium against a real server and engine: the
 * workspace's page shows the image's app with its icon and health, and Open brings up the app in
 * a new tab; a server started in the workspace appears in the Ports panel by itself and opens
 * from there; a share the org does not allow shows the org's reason. A browser that is not signed
 * in and opens an app URL gets the sign-in page and lands on the app once signed in.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { LABELS } from '../../src/runtime/runtime.js';
import type { Api } from '../support/api.js';
import { launchBrowser, screenshotBoth, signIn, useBrowserHearth } from '../support/browser.js';
import { addMember, PASSWORD, settled, shell } from '../support/hearth.js';
import { waitFor } from '../support/wait.js';

const IMAGE = 'hearth-test-apps:latest';
const NODE = '/opt/hearth/node/bin/node';

describe('apps and ports on the dashboard', () => {
  const t = useBrowserHearth();
  let page: Page;
  let bob: Api;
  let containerId: string;

  before(async () => {
    await t.alice.post('/orgs/default/images', { ref: IMAGE });
    bob = await addMember(t.alice, 'bob');
    const ws = await bob.post('/workspaces', { name: 'api', image: IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    t.created.add(ws.body.id);
    assert.equal((await settled(bob, 'me', 'api', 120_000)).state, 'running');
    containerId = (await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.body.id }))[0]!.id;
  });

  it("shows the image's app with its icon and health, and Open brings it up in a new tab", async () => {
    page = await signIn(t.browser, t.hearth, 'bob');
    await page.getByRole('table', { name: 'Workspaces' }).getByRole('link', { name: 'api' }).click();
    await page.getByRole('heading', { level: 1, name: 'api running' }).waitFor();
    const web = page.getByRole('listitem', { name: 'App web' });
    await web.getByText('Healthy').waitFor({ timeout: 60_000 });
    // The icon from the image (not the letter badge) has loaded.
    const icon = web.locator('img');
    await icon.waitFor();
    await waitFor('the icon to load', async () =>
      (await icon.evaluate(
        (img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0,
      ))
        ? true
        : undefined,
    );
    // notes declares no command and nothing listens on its port; no icon: its initial instead.
    const notes = page.getByRole('listitem', { name: 'App notes' });
    await notes.getByText('Not responding').waitFor();
    assert.equal(await notes.getByRole('button', { name: 'Restart notes' }).count(), 0);
    assert.equal(await notes.locator('img').count(), 0);
    await notes.getByText('N', { exact: true }).waitFor();
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      web.getByRole('link', { name: 'Open web' }).click(),
    ]);
    await tab.getByRole('heading', { name: 'Hello from the workspace' }).waitFor();
    assert.equal(new URL(tab.url()).hostname, 'web--api--bob.localhost');
    await tab.close();
  });

  it('lists a server started in the workspace under Ports by itself, opens it, and shows why a share is refused', async () => {
    const ports = page.getByRole('table', { name: 'Listening ports' });
    await ports.getByRole('rowheader', { name: '8080' }).waitFor();
    await shell(
      t.hearth.runtime,
      containerId,
      `setsid ${NODE} -e "require('http').createServer((q,s)=>s.end('<h1>Port 3000 says hi</h1>')).listen(3000,'127.0.0.1')" >/dev/null 2>&1 </dev/null &`,
    );
    // No reload: the panel keeps itself up to date.
    await ports.getByRole('rowheader', { name: '3000' }).waitFor({ timeout: 15_000 });
    await screenshotBoth(page, 'workspace-apps');
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'Open port 3000' }).click(),
    ]);
    await tab.getByRole('heading', { name: 'Port 3000 says hi' }).waitFor();
    assert.equal(new URL(tab.url()).hostname, '3000--api--bob.localhost');
    await tab.close();

    const who = page.getByLabel('Who can open port 3000');
    await who.selectOption('authenticated');
    await waitFor('the share to be shown', async () =>
      (await who.inputValue()) === 'authenticated' ? true : undefined,
    );
    assert.equal((await bob.get('/users/me/workspaces/api/apps/3000')).body.sharing, 'authenticated');
    // The org allows up to "authenticated" (the default): public is refused with the org's reason.
    await who.selectOption('public');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      (await alert.textContent()) ?? '',
      /org default allows sharing up to "authenticated", not "public"/,
    );
    assert.equal((await bob.get('/users/me/workspaces/api/apps/3000')).body.sharing, 'authenticated');
    assert.equal(await who.inputValue(), 'authenticated', 'the choice shows what is in force');
  });

  it('sends a signed-out browser that opens an app URL to the sign-in page, then on to the app', async () => {
    const appUrl = (await bob.get('/users/me/workspaces/api/apps/web')).body.url as string;
    const stranger = await launchBrowser();
    try {
      const tab = await stranger.newPage();
      await tab.goto(appUrl);
      await tab.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
      assert.equal(new URL(tab.url()).host, new URL(t.hearth.server.url).host, 'on the main origin');
      await tab.getByText('Sign in to open web--api--bob.localhost').waitFor();
      await screenshotBoth(tab, 'app-sign-in');
      await tab.getByLabel('Username').fill('bob');
      await tab.getByLabel('Password').fill(PASSWORD);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('heading', { name: 'Hello from the workspace' }).waitFor();
      assert.equal(tab.url(), appUrl);
    } finally {
      await stranger.close();
    }
  });
});
