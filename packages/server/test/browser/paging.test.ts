/**
 * A workspace list longer than one page in the dashboard: the first page (100) at once with a line
 * saying more exist, then the rest after "Load more"; search looks only at what is loaded, and says so.
 * The admin page's users and an org's members page the same way. A workspace's page reads only the
 * one page of builds it shows (the 10 newest), however many there are.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signIn, useBrowserHearth } from '../support/browser.js';
import { PASSWORD } from '../support/hearth.js';
import { seedWorkspaces } from '../support/seed-workspaces.js';

describe('lists of more than one page in the browser', () => {
  const t = useBrowserHearth();
  let page: Page;
  const names = Array.from({ length: 130 }, (_, i) => `ws-${String(i).padStart(3, '0')}`);

  before(async () => {
    const alice = t.alice;
    const org = (await alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    const aliceId = (await alice.get('/users/me')).body.id;
    await seedWorkspaces(t.hearth.dataDir, aliceId, org.id, names);
    // 101 more users, each a member of org default: 102 users and 102 members, two pages of each.
    for (let i = 0; i < 101; i++) {
      const username = `user-${String(i).padStart(3, '0')}`;
      const created = await alice.post('/users', {
        username,
        email: `${username}@example.com`,
        password: PASSWORD,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    page = await signIn(t.browser, t.hearth, 'alice');
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
    // The watch still updates a row of the second page, live: by its event, not by reading the list again.
    const reads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/workspaces') reads.push(r.url());
    });
    const patched = await t.alice.patch('/users/alice/workspaces/ws-120/lifecycle', { autostart: true });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await rows().filter({ hasText: 'auto-start on' }).waitFor();
    assert.deepEqual(reads, [], 'the list was not read again');
    await page.getByLabel('Search workspaces').fill('');
    await page.getByText('Showing all 130 workspaces.').waitFor();
  });

  it('pages the admin list of users and the members of an org the same way', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    const users = page.getByRole('region', { name: 'Users' });
    const members = page.getByRole('region', { name: 'Members of default' });
    await users.getByText('Showing the first 100 users. There are more.').waitFor();
    await members.getByText('Showing the first 100 members. There are more.').waitFor();
    assert.equal(await users.locator('tbody tr').count(), 100);
    await users.getByRole('button', { name: 'Load more' }).click();
    await users.getByText('Showing all 102 users.').waitFor();
    assert.equal(await users.locator('tbody tr').count(), 102);
    await members.getByRole('button', { name: 'Load more' }).click();
    await members.getByText('Showing all 102 members.').waitFor();
    assert.equal(await members.getByRole('listitem').count(), 102);
  });

  it("reads only the newest 10 of a workspace's 150 builds, the ones its page shows", async () => {
    const org = (await t.alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    const aliceId = (await t.alice.get('/users/me')).body.id;
    await seedWorkspaces(t.hearth.dataDir, aliceId, org.id, ['busy'], 150);
    const reads: URL[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith('/workspaces/busy/builds')) reads.push(url);
    });
    await page.goto(`${t.hearth.server.url}/workspaces/alice/busy`);
    await page.getByRole('region', { name: 'Build 150' }).waitFor();
    await page.getByRole('region', { name: 'Build 141' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Build 140' }).count(), 0);
    assert.deepEqual(
      reads.map((u) => u.searchParams.get('limit')),
      ['10'],
      'one page of 10, not every page',
    );
  });
});
