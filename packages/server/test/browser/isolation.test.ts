/**
 * A second member sees none of the first's workspaces in the dashboard, and a guessed URL of one
 * shows the not-found page (not the workspace, not a blank screen).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { adminApi, launchBrowser, signIn, useBrowserHearth } from '../support/browser.js';
import { DEMO_IMAGE, PASSWORD } from '../support/hearth.js';

describe('workspace isolation in the browser', () => {
  const t = useBrowserHearth();

  before(async () => {
    const ws = await t.alice.post('/workspaces', { name: 'secret-project', image: DEMO_IMAGE });
    t.created.add(ws.body.id);
    await t.alice.post('/users', { username: 'bob', email: 'bob@example.com', password: PASSWORD });
  });

  it("shows alice her workspace and bob none of alice's", async () => {
    const alice = await launchBrowser();
    try {
      const page = await signIn(alice, t.hearth, 'alice');
      await page
        .getByRole('table', { name: 'Workspaces' })
        .getByRole('link', { name: 'secret-project' })
        .waitFor();
    } finally {
      await alice.close();
    }
    const page = await signIn(t.browser, t.hearth, 'bob');
    await page.getByText('No workspaces yet').waitFor();
  });

  it('answers a guessed URL of her workspace with the not-found page', async () => {
    const page = await t.browser.newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/users/alice/workspaces/secret-project') asked.push(r.url());
    });
    await page.goto(`${t.hearth.server.url}/workspaces/alice/secret-project`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.getByText('There is no such workspace').waitFor();
    // A 404 answers the same every time, so it is not retried (retries kept "Loading…" up for
    // seconds): the page's own read, and the one the watch stream's 404 asks for, no more.
    assert.ok(asked.length <= 2, `asked ${asked.length} times`);
    await page.goto(`${t.hearth.server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    // The bearer API agrees.
    const bob = await adminApi(t.hearth, 'bob');
    const guess = await bob.get('/users/alice/workspaces/secret-project');
    if (guess.status !== 404 && guess.status !== 403) throw new Error(`bob got ${guess.status}`);
  });
});
