/**
 * A second member sees none of the first's workspaces in the dashboard, and a guessed URL of one
 * shows the not-found page (not the workspace, not a blank screen).
 */
import { after, before, describe, it } from 'node:test';
import { adminApi, launchBrowser, signIn, type TestBrowser } from '../support/browser.js';
import {
  DEMO_IMAGE,
  PASSWORD,
  removeDir,
  removeLeftovers,
  setupAlice,
  startHearth,
  type TestHearth,
} from '../support/hearth.js';

describe('workspace isolation in the browser', () => {
  let hearth: TestHearth;
  let browser: TestBrowser;
  const created = new Set<string>();

  before(async () => {
    hearth = await startHearth();
    const alice = await setupAlice(hearth.api);
    const ws = await alice.post('/workspaces', { name: 'secret-project', image: DEMO_IMAGE });
    created.add(ws.body.id);
    await alice.post('/users', { username: 'bob', email: 'bob@example.com', password: PASSWORD });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await hearth?.close();
    await removeLeftovers(hearth.runtime, created);
    await removeDir(hearth.dataDir);
  });

  it("shows alice her workspace and bob none of alice's", async () => {
    const alice = await launchBrowser();
    try {
      const page = await signIn(alice, hearth, 'alice');
      await page
        .getByRole('table', { name: 'Workspaces' })
        .getByRole('link', { name: 'secret-project' })
        .waitFor();
    } finally {
      await alice.close();
    }
    const page = await signIn(browser, hearth, 'bob');
    await page.getByText('No workspaces yet').waitFor();
  });

  it('answers a guessed URL of her workspace with the not-found page', async () => {
    const page = await browser.newPage();
    await page.goto(`${hearth.server.url}/workspaces/alice/secret-project`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.getByText('There is no such workspace').waitFor();
    await page.goto(`${hearth.server.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    // The bearer API agrees.
    const bob = await adminApi(hearth, 'bob');
    const guess = await bob.get('/users/alice/workspaces/secret-project');
    if (guess.status !== 404 && guess.status !== 403) throw new Error(`bob got ${guess.status}`);
  });
});
