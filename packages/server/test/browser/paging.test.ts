/**
 * A workspace list longer than one page in the dashboard: the first page (100) at once with a line
 * saying more exist, then the rest after "Load more"; search looks only at what is loaded, and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signIn, type TestBrowser } from '../support/browser.js';
import { removeDir, setupAlice, startHearth, type TestHearth } from '../support/hearth.js';
import { seedWorkspaces } from '../support/seed-workspaces.js';

describe('a workspace list of more than one page in the browser', () => {
  let hearth: TestHearth;
  let browser: TestBrowser;
  let page: Page;
  const names = Array.from({ length: 130 }, (_, i) => `ws-${String(i).padStart(3, '0')}`);

  before(async () => {
    hearth = await startHearth();
    const alice = await setupAlice(hearth.api);
    const org = (await alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    const aliceId = (await alice.get('/users/me')).body.id;
    await seedWorkspaces(hearth.dataDir, aliceId, org.id, names);
    browser = await launchBrowser();
    page = await signIn(browser, hearth, 'alice');
  });
  after(async () => {
    await browser?.close();
    await hearth?.close();
    await removeDir(hearth.dataDir);
  });

  const rows = () => page.getByRole('table', { name: 'Workspaces' }).locator('tbody tr');
  const link = (name: string) =>
    page.getByRole('table', { name: 'Workspaces' }).getByRole('link', { name, exact: true });

  it('shows the first 100 at once, says there are more, and searches only what is loaded', async () => {
    await page.getByText('Showing the first 100 workspaces. There are more').waitFor();
    assert.equal(await rows().count(), 100);
    await link('ws-099').waitFor();
    assert.equal(await link('ws-100').count(), 0, 'the second page is not read yet');
    await page.getByText('Search and State look only at the 100 workspaces loaded so far.').waitFor();
    await page.getByLabel('Search workspaces').fill('ws-120');
    await page.getByText('No workspace matches these filters.').waitFor();
    await page.getByLabel('Search workspaces').fill('');
    await link('ws-000').waitFor();
  });

  it('shows the rest after "Load more", and then says all are shown', async () => {
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('Showing all 130 workspaces.').waitFor();
    assert.equal(await rows().count(), 130);
    await link('ws-129').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.equal(await page.getByText('loaded so far').count(), 0);
    await page.getByLabel('Search workspaces').fill('ws-120');
    await link('ws-120').waitFor();
    assert.equal(await rows().count(), 1);
  });
});
