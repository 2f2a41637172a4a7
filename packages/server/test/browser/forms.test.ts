/**
 * The dashboard's forms on the account and admin pages, as a person uses them: what a form sends
 * shows up on the page, the fields it empties are empty afterwards (and the others keep what was
 * typed), a field's problem blocks the button, and the API's refusal is shown in the form.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signIn, useBrowserHearth } from '../support/browser.js';

describe('forms in the browser', () => {
  const t = useBrowserHearth();
  let page: Page;

  before(async () => {
    page = await signIn(t.browser, t.hearth, 'alice');
  });

  it('saves a secret (emptying only its value), creates a token, refuses a bad key and schedule', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    const secret = page.getByRole('form', { name: 'Add a secret' });
    await secret.getByLabel('Secret name').fill('GH_TOKEN');
    await secret.getByLabel('Secret value').fill('s3cret');
    await secret.getByRole('button', { name: 'Save secret' }).click();
    await page.getByRole('button', { name: 'Remove secret GH_TOKEN' }).waitFor();
    assert.equal(await secret.getByLabel('Secret value').inputValue(), '');
    assert.equal(await secret.getByLabel('Secret name').inputValue(), 'GH_TOKEN');

    const key = page.getByRole('form', { name: 'Add an SSH key' });
    await key.getByLabel('Public key').fill('not a key');
    await key.getByRole('button', { name: 'Add SSH key' }).click();
    await key.getByRole('alert').waitFor();
    assert.equal(await key.getByLabel('Public key').inputValue(), 'not a key', 'kept to correct');

    await page.getByRole('form', { name: 'Create an API token' }).getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Copy the token now: it is shown only once.').waitFor();
    await page.getByRole('button', { name: 'Revoke token ci' }).waitFor();

    const schedule = page.getByRole('form', { name: 'Auto-start schedule' });
    await schedule.getByLabel('Days').fill('someday');
    await schedule.getByRole('button', { name: 'Save schedule' }).click();
    await schedule.getByRole('alert').waitFor();
    await schedule.getByLabel('Days').fill('mon-fri');
    await schedule.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByRole('button', { name: 'Remove schedule' }).waitFor();
    assert.equal(await schedule.getByRole('alert').count(), 0, 'the old error is gone');
  });

  it("creates a user (a bad name blocks the button), adds a member, and shows the API's refusals", async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    const create = page.getByRole('form', { name: 'Create a user' });
    await create.getByLabel('New username').fill('Bob');
    await create.getByText('is not a DNS label').waitFor();
    assert.equal(await create.getByRole('button', { name: 'Create user' }).isDisabled(), true);
    await create.getByLabel('New username').fill('bob');
    await create.getByLabel("New user's email").fill('bob@example.com');
    await create.getByLabel('Initial password').fill('correct horse battery');
    await create.getByRole('button', { name: 'Create user' }).click();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('cell', { name: 'bob', exact: true })
      .waitFor();
    assert.equal(await create.getByLabel('New username').inputValue(), '', 'emptied once created');

    const add = page.getByRole('form', { name: 'Add a member' });
    await add.getByLabel('Username to add').fill('nobody');
    await add.getByRole('button', { name: 'Add member' }).click();
    await add.getByRole('alert').waitFor();
    await add.getByLabel('Username to add').fill('bob');
    await add.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('button', { name: 'Make bob an admin' }).waitFor();
    assert.equal(await add.getByLabel('Username to add').inputValue(), '');
    assert.equal(await add.getByRole('alert').count(), 0);

    const policy = page.getByRole('form', { name: 'Lifecycle policy' });
    await policy.getByLabel('Auto-off after').fill('soon');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.getByRole('alert').waitFor();
    await policy.getByLabel('Auto-off after').fill('2h');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText(/^Auto-off after 2h idle/).waitFor();

    const image = page.getByRole('form', { name: 'Add an image' });
    await image.getByLabel('Image reference').fill('not a reference!');
    await image.getByRole('button', { name: 'Add image' }).click();
    await image.getByRole('alert').waitFor();
    assert.equal(await image.getByLabel('Image reference').inputValue(), 'not a reference!');

    // Lowered below the demo image's default memory (1GiB), the catalogue says what create will refuse.
    const limits = page.getByRole('form', { name: 'Limits' });
    await limits.getByLabel('Max memory per workspace').fill('512MiB');
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText(/^Per workspace: .* 512MiB,/).waitFor();
    await page
      .getByRole('list', { name: 'Images' })
      .getByText(
        "a workspace created without its own amounts would be refused: memory 1GiB, the default of image hearth-demo:latest, is over the org's limit of 512MiB per workspace",
        { exact: false },
      )
      .waitFor();
  });
});
