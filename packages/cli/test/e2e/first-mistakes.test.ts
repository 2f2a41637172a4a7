/**
 * First mistakes, as a new user or admin makes them: every refusal says what to do next.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

describe('first mistakes', () => {
  let e: E2E;

  before(async () => {
    e = await startE2E('hearth-e2e-first-mistakes-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
  });

  after(async () => {
    await e.close();
  });

  it('given an image the engine has not got, when added, then the hint says how to get it there', async () => {
    const r = await e.hearth(['images', 'add', 'hearth-no-such-image:latest', '--org', 'default']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: image hearth-no-such-image:latest is not on the container engine/);
    assert.match(
      r.stderr,
      /hint: put it on the server's container engine first \(docker pull hearth-no-such-image:latest/,
    );
    assert.doesNotMatch(r.stderr, /images list/, 'the catalogue is not where a new image comes from');
  });

  it('given no NAME, when creating, then it asks for the NAME first; given no --image, then it says how to pick one', async () => {
    const bare = await e.hearth(['create']);
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /^error: missing required argument 'name'/);
    assert.doesNotMatch(bare.stderr, /--image/, 'the missing NAME comes first');
    const noImage = await e.hearth(['create', 'dev']);
    assert.equal(noImage.code, 2);
    assert.match(
      noImage.stderr,
      /^error: create needs the image to build dev from: pass --image REPOSITORY:TAG\n/,
    );
    assert.match(noImage.stderr, /hint: `hearth images list` shows the images your orgs offer/);
  });

  it('given no USERNAME or engine NAME, when creating a user or adding an engine, then it asks for that first, then for the required options', async () => {
    for (const [argv, argument, option] of [
      [['users', 'create'], 'username', '--email <email>'],
      [['admin', 'engines', 'add'], 'name', '--docker-host <url>'],
    ] as const) {
      const bare = await e.hearth([...argv]);
      assert.equal(bare.code, 2);
      assert.match(bare.stderr, new RegExp(`^error: missing required argument '${argument}'\n`));
      const named = await e.hearth([...argv, 'x1']);
      assert.equal(named.code, 2);
      assert.equal(
        named.stderr,
        `error: required option '${option}' not specified\n(run with --help for usage)\n`,
      );
    }
  });

  it("given image defaults over the org's limits, when added, then it warns; create then says the amount is the image's default", async () => {
    const add = await e.ok([
      'images',
      'add',
      'hearth-demo:latest',
      '--org',
      'default',
      '--default-memory',
      '40GiB',
    ]);
    assert.match(
      add.stderr,
      /^warning: a workspace created without its own amounts would be refused: memory 40GiB, the default of image hearth-demo:latest, is over the org's limit of 32GiB per workspace/,
    );
    const refused = await e.hearth(['create', 'big', '--image', 'hearth-demo:latest']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^error: memory 40GiB, the default of image hearth-demo:latest, is over the org's limit of 32GiB per workspace; ask for less \(hearth create --memory, or Memory on the dashboard\)\n/,
    );
    const asked = await e.hearth(['create', 'big', '--image', 'hearth-demo:latest', '--memory', '64GiB']);
    assert.match(asked.stderr, /^error: memory 64GiB is over the org's limit of 32GiB per workspace\n/);
    await e.ok(['images', 'remove', 'hearth-demo:latest', '--org', 'default']);
  });

  it('given a user nobody has, when added to an org, then the hint says how to make the account', async () => {
    const r = await e.hearth(['orgs', 'members', 'add', 'default', 'bob']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: no user named bob\n/);
    assert.match(r.stderr, /hint: .*hearth users create USERNAME --email E --password-stdin/);
  });

  it('given an empty stdin (an unset variable piped in), when a secret is set, then nothing is saved and it says so', async () => {
    const r = await e.hearth(['secrets', 'set', 'NPM_TOKEN'], '');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: the secret value read from stdin is empty; nothing was saved\n/);
    assert.match(r.stderr, /hint: is the variable you piped set\?/);
    assert.doesNotMatch((await e.ok(['secrets', 'list'])).stdout, /NPM_TOKEN/);
  });
});
