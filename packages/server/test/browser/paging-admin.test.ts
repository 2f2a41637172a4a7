/**
 * The admin page's image catalogue and rebuild campaigns, and the new-workspace page's image
 * picker, each longer than one page (all seeded through the API): the first 100 at once with a
 * line saying more exist, the rest after "Load more", as the workspace list does. An image that
 * workspaces use is removed only after a second confirmation that says how many use it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { signIn, useBrowserHearth } from '../support/browser.js';
import { DEMO_IMAGE } from '../support/hearth.js';
import { seedWorkspaces } from '../support/seed-workspaces.js';

const run = promisify(execFile);

describe('admin lists of more than one page in the browser', () => {
  const t = useBrowserHearth();
  // With the demo image: 103 images, 101 campaigns.
  const tags = Array.from(
    { length: 102 },
    (_, i) => `hearth-browser-paging-${String(i).padStart(3, '0')}:latest`,
  );
  let page: Page;

  before(async () => {
    for (let i = 0; i < tags.length; i += 10)
      await Promise.all(tags.slice(i, i + 10).map((tag) => run('docker', ['tag', DEMO_IMAGE, tag])));
    for (const ref of tags) {
      const added = await t.alice.post('/orgs/default/images', { ref });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    // No workspace runs, so each campaign has nothing to rebuild and is finished at once.
    for (let i = 0; i < 101; i++) {
      const started = await t.alice.post('/orgs/default/campaigns', {});
      assert.equal(started.status, 201, JSON.stringify(started.body));
    }
    page = await signIn(t.browser, t.hearth, 'alice');
  });
  after(async () => {
    for (const tag of tags) await run('docker', ['rmi', tag]).catch(() => undefined);
  });

  it('pages the image catalogue', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    const catalogue = page.getByRole('region', { name: 'Image catalogue' });
    const images = catalogue.getByRole('list', { name: 'Images' }).getByRole('listitem');
    await catalogue.getByText('Showing the first 100 images. There are more.').waitFor();
    assert.equal(await images.count(), 100);
    await catalogue.getByRole('button', { name: 'Load more' }).click();
    await catalogue.getByText('Showing all 103 images.').waitFor();
    assert.equal(await images.count(), 103);
    assert.equal(await catalogue.getByRole('button', { name: 'Load more' }).count(), 0);
  });

  it('pages the rebuild campaigns, and a new campaign joins the loaded list', async () => {
    const section = page.getByRole('region', { name: 'Rebuild campaigns' });
    const cards = section.getByRole('region', { name: /^Campaign / });
    await section.getByText('Showing the first 100 campaigns. There are more.').waitFor();
    assert.equal(await cards.count(), 100);
    await section.getByRole('button', { name: 'Load more' }).click();
    await section.getByText('Showing all 101 campaigns.').waitFor();
    assert.equal(await cards.count(), 101);
    await section.getByRole('button', { name: 'Start rebuild campaign' }).click();
    await section.getByText('Showing all 102 campaigns.').waitFor();
  });

  it("pages the new workspace's image picker", async () => {
    await page.goto(`${t.hearth.server.url}/new`); // a fresh page: nothing loaded yet
    const options = page.getByLabel('Image', { exact: true }).locator('option');
    await page.getByText('Showing the first 100 images. There are more.').waitFor();
    assert.equal(await options.count(), 100);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('Showing all 103 images.').waitFor();
    assert.equal(await options.count(), 103);
  });

  it('removes an image workspaces use only after a second confirmation that counts them', async () => {
    const org = (await t.alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    const aliceId = (await t.alice.get('/users/me')).body.id;
    await seedWorkspaces(t.hearth.dataDir, aliceId, org.id, ['old-1', 'old-2']); // both of the demo image
    await page.goto(`${t.hearth.server.url}/admin`);
    const catalogue = page.getByRole('region', { name: 'Image catalogue' });
    await catalogue.getByRole('button', { name: 'Load more' }).click(); // the demo image sorts last
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await catalogue.getByRole('button', { name: `Remove image ${DEMO_IMAGE}` }).click();
    await catalogue
      .getByRole('button', { name: `Remove image ${DEMO_IMAGE}` })
      .waitFor({ state: 'detached' });
    assert.deepEqual(dialogs, [
      `Remove ${DEMO_IMAGE} from the catalogue of default?`,
      `2 workspace(s) use ${DEMO_IMAGE}; they keep running but cannot be rebuilt from it. Remove ${DEMO_IMAGE} from the catalogue of default anyway?`,
    ]);
    const left = (await t.alice.get('/orgs/default/images?limit=500')).body as { ref: string }[];
    assert.equal(left.length, 102);
    assert.ok(!left.some((i) => i.ref === DEMO_IMAGE));
  });
});
