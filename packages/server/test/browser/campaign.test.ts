/**
 * An admin's rebuild campaign in the dashboard: started from the Admin page, its progress updates
 * on the page as it runs, and the workspace that cannot be rebuilt shows as failed with why.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { screenshotBoth, signIn, useBrowserHearth } from '../support/browser.js';
import { settled } from '../support/hearth.js';

const run = promisify(execFile);

describe('a rebuild campaign in the browser', () => {
  const t = useBrowserHearth();
  const other = 'hearth-browser-campaign:latest';

  before(async () => {
    await run('docker', ['tag', 'hearth-demo:latest', other]);
    const added = await t.alice.post('/orgs/default/images', { ref: other });
    for (const [name, image] of [
      ['c1', 'hearth-demo:latest'],
      ['c2', 'hearth-demo:latest'],
      ['c3', other],
    ] as const) {
      const ws = await t.alice.post('/workspaces', { name, image });
      t.created.add(ws.body.id);
    }
    for (const name of ['c1', 'c2', 'c3']) await settled(t.alice, 'me', name);
    // c3's image leaves the catalogue (forced: a workspace uses it): its rebuild must fail.
    const removed = await t.alice.delete(`/orgs/default/images/${added.body.id}?force=true`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
  });
  after(async () => {
    await run('docker', ['rmi', other]).catch(() => undefined);
  });

  it('shows the campaign running, then each workspace done and the failing one with its error', async () => {
    const page = await signIn(t.browser, t.hearth, 'alice');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Start rebuild campaign' }).click();
    const card = page.getByRole('region', { name: /^Campaign / }).first();
    await card.getByText(/: running$/).waitFor();
    // Live: the same page, never reloaded, moves on to the result.
    await card.getByText(/: finished$/).waitFor({ timeout: 120_000 });
    await card.getByText('succeeded 2 · failed 1').waitFor();
    const failed = card.getByRole('listitem').filter({ hasText: 'alice/c3' });
    const text = (await failed.textContent()) ?? '';
    assert.match(text, /failed/);
    assert.match(text, /catalogue|image/i);
    await screenshotBoth(page, 'admin-campaign');
  });
});
