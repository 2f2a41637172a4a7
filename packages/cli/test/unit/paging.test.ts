import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/commander.js';
import { UsageError } from '../../src/errors.js';
import { nextPageHint, parsePageLimit, readPages } from '../../src/paging.js';

describe('parsePageLimit', () => {
  it('takes a whole number from 1 to the API maximum', () => {
    assert.equal(parsePageLimit('1'), 1);
    assert.equal(parsePageLimit('500'), 500);
  });

  it('refuses 0, too many, and what is not a whole number, saying the range', () => {
    for (const value of ['0', '501', '99999', '-1', '2.5', 'ten', ''])
      assert.throws(
        () => parsePageLimit(value),
        (err: unknown) => err instanceof InvalidArgumentError && /from 1 to 500/.test(err.message),
        value,
      );
  });
});

describe('readPages', () => {
  const page = async () => ({ items: ['a'], nextCursor: 'c1' });
  const all = async () => ['a', 'b'];

  it('reads one page without --all, and every page with it', async () => {
    assert.deepEqual(await readPages({ limit: 1 }, page, all), { items: ['a'], nextCursor: 'c1' });
    assert.deepEqual(await readPages({ all: true }, page, all), { items: ['a', 'b'], nextCursor: undefined });
  });

  it('refuses --all with a page flag', async () => {
    await assert.rejects(readPages({ all: true, cursor: 'c1' }, page, all), UsageError);
  });
});

describe('nextPageHint', () => {
  it('names the next page with the same size, and all of them when there is a command for it', () => {
    assert.equal(
      nextPageHint({
        what: 'campaigns',
        shown: 2,
        command: 'hearth x',
        limit: undefined,
        cursor: 'c',
        all: 'hearth x --all',
      }),
      'More campaigns after these 2. Next page: hearth x --limit 2 --cursor c; all of them: hearth x --all',
    );
    assert.equal(
      nextPageHint({ what: 'workspaces', shown: 1, command: 'hearth list --all', limit: 5, cursor: 'c' }),
      'More workspaces after these 1. Next page: hearth list --all --limit 5 --cursor c',
    );
  });
});
