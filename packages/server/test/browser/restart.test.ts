/**
 * A server restart under an open dashboard: the page says it is reconnecting (no crash, no blank
 * screen) and carries on, still signed in, once the server is back on the same address.
 */
import { describe, it } from 'node:test';
import { signIn, useBrowserHearth } from '../support/browser.js';
import { startHearth } from '../support/hearth.js';

describe('the dashboard across a server restart', () => {
  const t = useBrowserHearth();

  it('shows reconnecting while the server is down, then the page it was on', async () => {
    const page = await signIn(t.browser, t.hearth, 'alice');
    const port = Number(new URL(t.hearth.server.url).port);
    await t.hearth.close();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByText('Reconnecting to the server').waitFor();
    t.hearth = await startHearth({ dataDir: t.hearth.dataDir, config: { port } });
    await page.getByText('Reconnecting to the server').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('heading', { name: 'Git SSH key' }).waitFor();
    await page.getByText('ssh-ed25519').waitFor();
  });
});
