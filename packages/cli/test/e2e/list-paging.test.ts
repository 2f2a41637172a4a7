/**
 * `hearth list`, `hearth images list` and `hearth admin campaigns list` page: one page, with a last line on stderr that says how
 * to get the next one, and `--all` reading every page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

describe('hearth list, page by page', () => {
  let e: E2E;
  const names = ['pa', 'pb', 'pc'];

  before(async () => {
    e = await startE2E('hearth-e2e-paging-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    await e.ok(['images', 'add', 'hearth-demo:latest', '--org', 'default', '--default-cpu', '1']);
    for (const name of names) await e.ok(['create', name, '--image', 'hearth-demo:latest']);
  });

  after(async () => {
    for (const name of names) await e.hearth(['delete', name, '--yes', '--wait']);
    await e.close();
  });

  it('given more workspaces than a page, when listed, then the last line says how to get the next page, and that command gets it', async () => {
    const first = await e.ok(['list', '--limit', '2']);
    assert.match(first.stdout, /^pa\s/m);
    assert.match(first.stdout, /^pb\s/m);
    assert.doesNotMatch(first.stdout, /^pc\s/m);
    const hint =
      /Next page: hearth list --limit 2 --cursor (\S+); all of them: hearth list --all --mine\n$/.exec(
        first.stderr,
      );
    assert.ok(hint, first.stderr);
    // "All of them" is all of mine: every page, no one else's.
    const mine = await e.ok(['list', '--all', '--mine', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(mine.stdout).map((w: { name: string; owner: string }) => [w.name, w.owner]),
      [
        ['pa', 'alice'],
        ['pb', 'alice'],
        ['pc', 'alice'],
      ],
    );
    const alone = await e.hearth(['list', '--mine']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--mine goes with --all/);

    const next = await e.ok(['list', '--limit', '2', '--cursor', hint[1]!]);
    assert.match(next.stdout, /^pc\s/m);
    assert.equal(next.stderr, '', 'the last page says nothing more');

    const json = await e.ok(['list', '--limit', '2', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(json.stdout).map((w: { name: string }) => w.name),
      ['pa', 'pb'],
      '-o json is still an array; the hint is on stderr',
    );
    assert.match(json.stderr, /--cursor/);
  });

  it('given --all, when listed, then every page is read; a page of --all needs --org; --limit is 1 to 500', async () => {
    const all = await e.ok(['list', '--all', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(all.stdout).map((w: { name: string }) => w.name),
      names,
    );
    assert.equal(all.stderr, '');
    const page = await e.ok(['list', '--all', '--org', 'default', '--limit', '1']);
    assert.match(page.stderr, /Next page: hearth list --all --org default --limit 1 --cursor \S+\n$/);
    const refused = await e.hearth(['list', '--all', '--limit', '1']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /with --all, name the org with --org/);
    for (const limit of ['0', '501']) {
      const outOfRange = await e.hearth(['list', '--limit', limit]);
      assert.equal(outOfRange.code, 2, 'a usage error, found before asking the server');
      assert.match(outOfRange.stderr, /--limit <n>.*expected a whole number from 1 to 500/);
    }
    const bad = await e.hearth(['list', '--cursor', 'nope']);
    assert.equal(bad.code, 2, 'a usage error, though the server found it');
    assert.match(
      bad.stderr,
      /^error: that --cursor is not one this command printed: start again without --cursor/,
    );
    assert.doesNotMatch(bad.stderr, /X-Next-Cursor/, 'a CLI user never sees the headers');
  });

  it('given two images, when the catalogue is listed by 1, then the hint gets the next page; --all reads both; a cursor needs --org', async () => {
    await e.ok(['images', 'add', 'hearth-test-hooks:latest', '--org', 'default']);
    const first = await e.ok(['images', 'list', '--org', 'default', '--limit', '1']);
    assert.match(first.stdout, /hearth-demo:latest/);
    assert.doesNotMatch(first.stdout, /hearth-test-hooks/);
    const hint =
      /Next page: hearth images list --org default --limit 1 --cursor (\S+); all of them: hearth images list --org default --all\n$/.exec(
        first.stderr,
      );
    assert.ok(hint, first.stderr);
    const next = await e.ok(['images', 'list', '--org', 'default', '--limit', '1', '--cursor', hint[1]!]);
    assert.match(next.stdout, /hearth-test-hooks:latest/);
    assert.equal(next.stderr, '');
    const all = await e.ok(['images', 'list', '--all', '-o', 'json']);
    assert.deepEqual(
      JSON.parse(all.stdout).map((i: { ref: string }) => i.ref),
      ['hearth-demo:latest', 'hearth-test-hooks:latest'],
    );
    const refused = await e.hearth(['images', 'list', '--cursor', hint[1]!]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /name the org with --org/);
  });
  it('given no campaign, then three, when listed by 2, then the hint gets the next page; --all reads all three and refuses page flags', async () => {
    // The user administers one org: --org may be left out, as for images.
    const none = await e.ok(['admin', 'campaigns', 'list']);
    assert.equal(
      none.stdout,
      'No campaigns in default yet. Start one with `hearth admin rebuild --org default`.\n',
    );
    // Nothing is outdated, so each campaign has no workspace and is over at once.
    await e.ok(['admin', 'rebuild', '--outdated-only']);
    for (let i = 0; i < 2; i++) await e.ok(['admin', 'rebuild', '--org', 'default', '--outdated-only']);
    const first = await e.ok(['admin', 'campaigns', 'list', '--org', 'default', '--limit', '2']);
    assert.equal(first.stdout.trim().split('\n').length, 3, `a header and two campaigns:\n${first.stdout}`);
    const hint =
      /^More campaigns after these 2\. Next page: hearth admin campaigns list --org default --limit 2 --cursor (\S+); all of them: hearth admin campaigns list --org default --all\n$/.exec(
        first.stderr,
      );
    assert.ok(hint, first.stderr);
    const next = await e.ok([
      'admin',
      'campaigns',
      'list',
      '--org',
      'default',
      '--limit',
      '2',
      '--cursor',
      hint[1]!,
    ]);
    assert.equal(next.stdout.trim().split('\n').length, 2, `a header and the third:\n${next.stdout}`);
    assert.equal(next.stderr, '');
    const all = await e.ok(['admin', 'campaigns', 'list', '--org', 'default', '--all', '-o', 'json']);
    assert.equal(JSON.parse(all.stdout).length, 3);
    assert.equal(all.stderr, '');
    const refused = await e.hearth([
      'admin',
      'campaigns',
      'list',
      '--org',
      'default',
      '--all',
      '--limit',
      '1',
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--all reads every page: leave out --limit and --cursor/);
  });
});
