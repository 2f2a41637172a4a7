/**
 * Browser sessions against a real server: setup and sign-in in Chromium, the HttpOnly cookie, the
 * cross-site guard, sign-out ending the session on the server, a suspended user signed out, and
 * a second member who sees none of the first's workspaces.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  adminApi,
  launchBrowser,
  screenshotBoth,
  signIn,
  type TestBrowser,
  useBrowserHearth,
} from '../support/browser.js';
import { PASSWORD, type TestHearth } from '../support/hearth.js';

describe('browser sessions', () => {
  const t = useBrowserHearth({ setup: false }); // the first test goes through the setup page
  let attacker: Server;
  let attackerUrl: string;

  before(async () => {
    // Another site (localhost is not 127.0.0.1's site) whose page posts a form to Hearth.
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form method="post" action="${t.hearth.server.url}/api/v1/tokens" enctype="text/plain">
        <input name='{"name":"stolen","x":"' value='"}'><button>win a prize</button></form>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
  });
  after(() => {
    attacker?.close();
  });

  it('sets up the first user in the browser, in an HttpOnly SameSite cookie the page cannot read', async () => {
    const page = await t.browser.newPage();
    await page.goto(t.hearth.server.url);
    await page.getByRole('heading', { name: 'Welcome to Hearth' }).waitFor();
    await screenshotBoth(page, 'setup');
    await page.getByLabel('Username').fill('Alice');
    await page.getByText('is not a DNS label').waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
    await page.getByText('No workspaces yet').waitFor();
    const [cookie] = await t.browser.context.cookies();
    assert.equal(cookie?.name, 'hearth_session');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Lax');
    assert.equal(await page.evaluate('document.cookie'), '');
    await page.close();
  });

  it('refuses a cross-site form post made with the session cookie', async () => {
    const before = await tokenNames(t.hearth, t.browser);
    const page = await t.browser.newPage();
    await page.goto(attackerUrl);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/tokens'));
    await page.getByRole('button', { name: 'win a prize' }).click();
    const status = (await answer).status();
    assert.ok(status === 401 || status === 403, `answered ${status}`);
    assert.deepEqual(await tokenNames(t.hearth, t.browser), before);
    await page.close();
  });

  it('refuses a cookie-authenticated change without the dashboard header or from another origin', async () => {
    const [cookie] = await t.browser.context.cookies();
    const headers = { cookie: `hearth_session=${cookie!.value}`, 'content-type': 'application/json' };
    const url = `${t.hearth.server.url}/api/v1/tokens`;
    const body = JSON.stringify({ name: 'x' });
    const bare = await fetch(url, { method: 'POST', headers, body });
    assert.equal(bare.status, 403);
    assert.match(((await bare.json()) as { message: string }).message, /cross-site request refused/);
    const foreign = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-hearth-client': 'web', origin: 'http://evil.example' },
      body,
    });
    assert.equal(foreign.status, 403);
    const mine = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-hearth-client': 'web' },
      body,
    });
    assert.equal(mine.status, 201);
  });

  it('keeps bearer tokens working for the CLI', async () => {
    const login = await t.hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD });
    assert.equal(login.status, 200);
    assert.ok(login.body.token.length > 20, 'the CLI still gets its token');
    assert.equal((await t.hearth.api.as(login.body.token).get('/users/me')).status, 200);
  });

  it('signs out, and the old cookie no longer works on the server', async () => {
    const [cookie] = await t.browser.context.cookies();
    const page = await t.browser.newPage();
    await page.goto(t.hearth.server.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
    await screenshotBoth(page, 'sign-in');
    const me = await fetch(`${t.hearth.server.url}/api/v1/users/me`, {
      headers: { cookie: `hearth_session=${cookie!.value}` },
    });
    assert.equal(me.status, 401);
    await page.close();
  });

  it('signs in again and shows a wrong password as the API says it', async () => {
    const page = await t.browser.newPage();
    await page.goto(t.hearth.server.url);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
    await page.close();
  });

  it('signs a suspended user out', async () => {
    const alice = await adminApi(t.hearth);
    await alice.post('/users', { username: 'bob', email: 'bob@example.com', password: PASSWORD });
    const bob = await launchBrowser();
    try {
      const page = await signIn(bob, t.hearth, 'bob');
      await alice.post('/users/bob/suspend');
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
    } finally {
      await bob.close();
      await alice.post('/users/bob/activate');
    }
  });

  it('changes the password on the account page: a wrong current one is refused, the new one signs in', async () => {
    const page = await t.browser.newPage(); // still signed in as alice
    await page.goto(t.hearth.server.url);
    await page.getByRole('link', { name: 'Account' }).click();
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not it');
    await form.getByLabel('New password').fill('a much better one');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('the current password is wrong').waitFor();
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Password changed.').waitFor();
    assert.equal(
      (await t.hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD })).status,
      401,
    );
    const again = await t.hearth.api.post('/auth/login', {
      username: 'alice',
      password: 'a much better one',
    });
    assert.equal(again.status, 200);
    await page.close();
  });
});

/** The names of alice's API tokens, read with the browser's session cookie. */
async function tokenNames(hearth: TestHearth, browser: TestBrowser): Promise<string[]> {
  const [cookie] = await browser.context.cookies();
  const res = await fetch(`${hearth.server.url}/api/v1/tokens`, {
    headers: { cookie: `hearth_session=${cookie!.value}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { name: string }[]).map((t) => t.name).sort();
}
