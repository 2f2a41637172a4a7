import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, pageLimit, pageOf } from '../../../src/core/paging.js';

describe('pageLimit', () => {
  it('given no limit, when read, then a page holds 100', () => {
    assert.deepEqual(pageLimit(undefined), { ok: true, value: 100 });
  });

  it('given 1 and 500, when read, then they are the bounds', () => {
    assert.deepEqual(pageLimit(1), { ok: true, value: 1 });
    assert.deepEqual(pageLimit(500), { ok: true, value: 500 });
  });

  it('given 0, 501, a negative or a fraction, when read, then the problem names the bounds and the cursor', () => {
    for (const limit of [0, 501, -3, 1.5, Number.NaN]) {
      const parsed = pageLimit(limit);
      assert.equal(parsed.ok, false, String(limit));
      if (!parsed.ok)
        assert.match(parsed.problem, /^limit .* is out of range: a page holds 1 to 500 items; .*cursor/);
    }
  });
});

describe('cursors', () => {
  it('given a sort key, when encoded and decoded, then it comes back, in base64url', () => {
    const key = ['alice', 'api', 'id/with+chars=é'];
    const cursor = encodeCursor('workspaces', key);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor('workspaces', cursor, 3), { ok: true, value: key });
  });

  it("given another list's cursor, a wrong arity, non-strings, garbage or an overlong one, when decoded, then it is refused", () => {
    const bad = [
      encodeCursor('builds', ['a', 'b', 'c']),
      encodeCursor('workspaces', ['a', 'b']),
      Buffer.from(JSON.stringify(['workspaces', 1, 2, 3])).toString('base64url'),
      Buffer.from('{"not":"an array"}').toString('base64url'),
      Buffer.from('not json').toString('base64url'),
      'has spaces',
      '',
      'A'.repeat(4000),
    ];
    for (const cursor of bad) {
      const parsed = decodeCursor('workspaces', cursor, 3);
      assert.equal(parsed.ok, false, cursor);
      if (!parsed.ok) assert.match(parsed.problem, /X-Next-Cursor .* leave it out for the first page/);
    }
  });
});

describe('pageOf', () => {
  const key = (n: number) => [String(n)];

  it('given limit + 1 rows, when paged, then the page holds limit and the cursor is after its last', () => {
    const page = pageOf('numbers', [1, 2, 3], 2, key);
    assert.deepEqual(page.items, [1, 2]);
    assert.deepEqual(decodeCursor('numbers', page.nextCursor!, 1), { ok: true, value: ['2'] });
  });

  it('given limit rows or fewer, when paged, then it is the last page', () => {
    assert.deepEqual(pageOf('numbers', [1, 2], 2, key), { items: [1, 2], nextCursor: undefined });
    assert.deepEqual(pageOf('numbers', [], 2, key), { items: [], nextCursor: undefined });
  });
});
