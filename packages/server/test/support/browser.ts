/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, headless, kept
 * off the network, with a fresh profile. Screenshots go to test-results/screenshots/.
 * {@link useBrowserHearth} is every browser suite's set-up and clean-up.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Api } from './api.js';
import { PASSWORD, removeDir, removeLeftovers, setupAlice, startHearth, type TestHearth } from './hearth.js';

export const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(
  fileURLToPath(import.meta.url),
  '../../../../../../test-results/screenshots',
);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** A fresh browser profile (its own cookies): one per simulated person. */
export async function launchBrowser(viewport = DESKTOP): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>-<width>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/** Screenshots `page` at the desktop and the phone size (back at desktop afterwards). */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await page.setViewportSize(PHONE);
  await screenshot(page, name);
  await page.setViewportSize(DESKTOP);
}

/** Signs `username` in through the sign-in page; answers the page showing their workspaces. */
export async function signIn(browser: TestBrowser, hearth: TestHearth, username: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(hearth.server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  return page;
}

/** The API as `username` (a bearer session, as the CLI has). */
export async function adminApi(hearth: TestHearth, username = 'alice'): Promise<Api> {
  const login = await hearth.api.post('/auth/login', { username, password: PASSWORD });
  if (login.status !== 200)
    throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
  return hearth.api.as(login.body.token);
}

/** What {@link useBrowserHearth} gives a suite once its `before` hook has run. */
export interface BrowserFixture {
  /** The server; a test that restarts it puts the new one here, and `after` closes that one. */
  hearth: TestHearth;
  /** The site admin, with the demo image in org default (not there with `setup: false`). */
  readonly alice: Api;
  /** A fresh Chromium profile, launched once the server is up. */
  readonly browser: TestBrowser;
  /** Ids of workspaces whose engine leftovers `after` removes. */
  readonly created: Set<string>;
}

/**
 * Registers `before`/`after` hooks in the calling suite (before the suite's own, so they can use
 * what it gives): a fresh server, alice set up unless `setup: false` (a suite that goes through
 * the setup page itself), and Chromium; afterwards the browser and the server closed, the
 * workspaces' containers and volumes removed, the data dir gone.
 */
export function useBrowserHearth(
  options: { setup?: boolean; hearth?: Parameters<typeof startHearth>[0] } = {},
): BrowserFixture {
  const fixture = { created: new Set<string>() } as {
    hearth: TestHearth;
    alice: Api;
    browser: TestBrowser;
    created: Set<string>;
  };
  before(async () => {
    fixture.hearth = await startHearth(options.hearth);
    if (options.setup !== false) fixture.alice = await setupAlice(fixture.hearth.api);
    fixture.browser = await launchBrowser();
  });
  after(async () => {
    await fixture.browser?.close();
    if (!fixture.hearth) return;
    await fixture.hearth.close();
    await removeLeftovers(fixture.hearth.runtime, fixture.created);
    await removeDir(fixture.hearth.dataDir);
  });
  return fixture;
}
