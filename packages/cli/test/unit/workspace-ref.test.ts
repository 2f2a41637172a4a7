import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { formatWorkspaceRef, parseWorkspaceRef } from '../../src/workspace-ref.js';

describe('parseWorkspaceRef', () => {
  it('reads a plain name as the caller’s workspace', () => {
    assert.deepEqual(parseWorkspaceRef('dev'), { owner: 'me', name: 'dev' });
  });

  it('reads OWNER/NAME as someone else’s', () => {
    assert.deepEqual(parseWorkspaceRef('alice/dev'), { owner: 'alice', name: 'dev' });
  });

  it('rejects empty parts, extra slashes and odd characters as usage errors', () => {
    for (const bad of ['', '/dev', 'alice/', 'a/b/c', 'dev name', '-dev']) {
      assert.throws(
        () => parseWorkspaceRef(bad),
        (err: unknown) => err instanceof UsageError && err.exitCode === 2,
        bad,
      );
    }
  });

  it('formats back the way the user typed it', () => {
    assert.equal(formatWorkspaceRef({ owner: 'me', name: 'dev' }), 'dev');
    assert.equal(formatWorkspaceRef({ owner: 'alice', name: 'dev' }), 'alice/dev');
  });
});
