/**
 * A server restart under an open dashboard: the page says it is reconnecting (no crash, no blank
 * screen) and carries on, still signed in, once the server is back on the same address.
 */
import { after, before, describe, it } from 'node:test';
import { launchBrowser, signIn, type TestBrowser } from '../support/browser.js';
import { removeDir, setupAlice, startHearth, type TestHearth } from '../support/hearth.js';

describe('the dashboard across a server restart', () => {
  let hearth: TestHearth;
  let browser: TestBrowser;

  before(async () => {
    hearth = await startHearth();
    await setupAlice(hearth.api);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await hearth?.close();
    await removeDir(hearth.dataDir);
  });

  it('shows reconnecting while the server is down, then the page it was on', async () => {
    const page = await signIn(browser, hearth, 'alice');
    const port = Number(new URL(hearth.server.url).port);
    await hearth.close();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByText('Reconnecting to the server').waitFor();
    hearth = await startHearth({ dataDir: hearth.dataDir, config: { port } });
    await page.getByText('Reconnecting to the server').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('heading', { name: 'Git SSH key' }).waitFor();
    await page.getByText('ssh-ed25519').waitFor();
  });
});
