import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSize } from '../../src/api/sizes.js';

const GiB = 2 ** 30;

describe('formatSize', () => {
  it('given whole binary units, when formatted, then it uses the largest whole unit', () => {
    assert.equal(formatSize(0), '0B');
    assert.equal(formatSize(1000), '1000B');
    assert.equal(formatSize(1024), '1KiB');
    assert.equal(formatSize(2 ** 20), '1MiB');
    assert.equal(formatSize(3 * GiB), '3GiB');
    assert.equal(formatSize(5 * 2 ** 40), '5TiB');
  });

  it('given fractions, when formatted, then it keeps one decimal', () => {
    assert.equal(formatSize(1536), '1.5KiB');
    assert.equal(formatSize(4561), '4.5KiB');
    assert.equal(formatSize(4e9), '3.7GiB');
    assert.equal(formatSize(1.25 * GiB), '1.3GiB');
  });

  it('given just under a unit, when formatted, then it rounds up to that unit, not to 1024 of the one below', () => {
    assert.equal(formatSize(2 ** 20 - 1), '1MiB');
    assert.equal(formatSize(GiB - 1), '1GiB');
  });

  it('given more than the largest unit, when formatted, then it stays in TiB', () => {
    assert.equal(formatSize(2 ** 50), '1024TiB');
  });
});
