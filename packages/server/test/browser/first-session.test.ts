/**
 * The README's first session, entirely in Chromium against a real server and the real engine:
 * setup, add the demo image, create a workspace and watch its stages turn green live, a terminal,
 * a rebuild with more memory that keeps the home directory, stop (and why), start, delete.
 * Screenshots of every main page at both sizes go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { screenshotBoth, useBrowserHearth } from '../support/browser.js';
import { DEMO_IMAGE, PASSWORD, type TestHearth } from '../support/hearth.js';

const BUILD_MS = 180_000;

describe('the first session in the browser', () => {
  const t = useBrowserHearth({ setup: false }); // the test goes through the setup page itself
  let page: Page;

  before(async () => {
    page = await t.browser.newPage();
  });

  const stage = (build: number, name: string): Locator =>
    page
      .getByRole('list', { name: `Stages of build ${build}` })
      .getByRole('listitem')
      .filter({ hasText: name });
  const terminal = (n: number): Locator => page.getByRole('region', { name: `Terminal ${n}` });
  const stateIs = (state: string) =>
    page.getByRole('heading', { level: 1, name: `dev ${state}`, exact: true }).waitFor({ timeout: BUILD_MS });

  it('sets up, adds the demo image, and creates a workspace whose stages turn green live', async () => {
    await page.goto(t.hearth.server.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByText('No workspaces yet').waitFor();
    await screenshotBoth(page, 'workspaces-empty');

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Image reference').fill(DEMO_IMAGE);
    await page.getByRole('button', { name: 'Add image' }).click();
    await page.getByRole('list', { name: 'Images' }).getByText(DEMO_IMAGE).waitFor();
    await screenshotBoth(page, 'admin');

    await page.getByRole('link', { name: 'New workspace' }).first().click();
    // The router renders the new page in a transition: until it commits, the admin page (whose
    // 'New username' also has a label containing 'Name') is still the one shown.
    await page.getByRole('heading', { name: 'New workspace', level: 1 }).waitFor();
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Dev');
    await page.getByText('is not a DNS label').waitFor();
    await name.fill('dev');
    await screenshotBoth(page, 'create');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'dev', level: 1 }).waitFor();
    t.created.add(await workspaceId(t.hearth, 'dev'));
    // Live: the page is never reloaded while the build runs.
    await stage(1, 'ready').filter({ hasText: 'succeeded' }).waitFor({ timeout: BUILD_MS });
    for (const name of ['pull', 'volume', 'container', 'secrets', 'configure']) {
      assert.match((await stage(1, name).textContent()) ?? '', /succeeded/, `stage ${name}`);
    }
    await stateIs('running');
    // The SSH commands on offer work as typed: `hearth login URL` alone is refused without --username.
    await page.getByText(`hearth login ${new URL(t.hearth.server.url).origin} --username alice`).waitFor();
    // A wrong auto-off is refused with the API's own message.
    await page.getByLabel(/My auto-off/).fill('soon');
    await page.getByRole('button', { name: 'Save auto-off' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /auto-off|duration/i })
      .waitFor();
    await screenshotBoth(page, 'workspace');
  });

  it('opens a terminal, writes to the home directory and sees the prompt return', async () => {
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await terminal(1).getByText('connected').waitFor();
    await terminal(1).getByRole('textbox').focus();
    await page.keyboard.type('echo keep > ~/keep; echo wrote-$((40+2))\n');
    await waitForText(terminal(1), /wrote-42\n.*[$#]/);
    await screenshotBoth(page, 'terminal');
  });

  it('rebuilds with more memory; a new terminal still finds the file', async () => {
    await page.getByRole('button', { name: 'Rebuild…' }).click();
    await page.getByLabel('Memory').fill('3GiB');
    await page.getByRole('button', { name: 'Rebuild now' }).click();
    await terminal(1)
      .getByText(/connection dropped|session ended|shell exited|the session is closed/)
      .waitFor({ timeout: BUILD_MS });
    await stage(2, 'ready').filter({ hasText: 'succeeded' }).waitFor({ timeout: BUILD_MS });
    await stateIs('running');
    await page.getByText('3GiB').first().waitFor();
    await page.getByRole('button', { name: 'Close Terminal 1' }).click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await terminal(2).getByText('connected').waitFor();
    await terminal(2).getByRole('textbox').focus();
    await page.keyboard.type('cat ~/keep\n');
    await waitForText(terminal(2), /\nkeep\s*\n/);
  });

  it('stops (and says why), starts, and deletes after the name is typed', async () => {
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await stateIs('stopped');
    await page.getByText(/^stopped by alice/).waitFor();
    await terminal(2)
      .getByText(/connection dropped|session ended|shell exited|no longer running|the session is closed/)
      .waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await stateIs('running');

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByText('and the home volume').waitFor();
    const remove = page.getByRole('button', { name: 'Delete workspace and home volume' });
    assert.equal(await remove.isDisabled(), true);
    await page.getByLabel('Type dev to confirm').fill('dev');
    await remove.click();
    await page.getByText('No workspaces yet').waitFor({ timeout: BUILD_MS });
  });

  it('shows the account page', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Git SSH key' }).waitFor();
    await page.getByText('ssh-ed25519').waitFor();
    const zone = await page.getByLabel('Time zone').inputValue();
    assert.equal(zone, await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone'));
    await screenshotBoth(page, 'account');
  });
});

async function workspaceId(hearth: TestHearth, name: string): Promise<string> {
  const login = await hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD });
  const ws = await hearth.api.as(login.body.token).get(`/users/alice/workspaces/${name}`);
  return ws.body.id;
}

async function waitForText(where: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < until) {
    // innerText keeps the terminal's rows apart as lines (textContent runs them together).
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node
    text = await where.innerText();
    if (pattern.test(text)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`expected ${pattern} in:\n${text}`);
}
