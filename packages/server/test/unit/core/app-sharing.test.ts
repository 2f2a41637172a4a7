import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveLevel, mayOpenApp, SHARE_LEVELS, shareProblem } from '../../../src/core/app-sharing.js';

describe('app sharing', () => {
  it('given a share above the org maximum, when in force, then it counts as the maximum', () => {
    assert.equal(effectiveLevel('public', 'authenticated'), 'authenticated');
    assert.equal(effectiveLevel('public', 'owner'), 'owner');
    assert.equal(effectiveLevel('authenticated', 'public'), 'authenticated');
  });

  it('given each level, when owner, someone else and nobody ask, then only those it names get in', () => {
    const table = SHARE_LEVELS.map((level) => [
      level,
      mayOpenApp(level, 'o', 'o'),
      mayOpenApp(level, 'o', 'x'),
      mayOpenApp(level, 'o', undefined),
    ]);
    assert.deepEqual(table, [
      ['owner', true, false, false],
      ['authenticated', true, true, false],
      ['public', true, true, true],
    ]);
  });

  it('given a level the org forbids, when shared, then the problem names the maximum and how to raise it', () => {
    assert.equal(shareProblem('authenticated', 'authenticated', 'default'), undefined);
    assert.match(
      shareProblem('public', 'authenticated', 'default')!,
      /up to "authenticated".*--max-share public/,
    );
  });
});
