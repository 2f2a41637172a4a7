import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillPadding } from '../../../src/access/ssh-padding.js';

describe('fillPadding', () => {
  it('fills only the asked range, in a buffer that is a view into a larger one, and returns it', () => {
    const backing = Buffer.alloc(64);
    const packet = backing.subarray(8, 40);
    assert.equal(fillPadding(packet, 10, 16), packet);
    assert.ok(
      backing.subarray(0, 18).every((b) => b === 0),
      'nothing before the range is touched',
    );
    assert.ok(
      backing.subarray(34).every((b) => b === 0),
      'nothing after the range is touched',
    );
    assert.ok(
      packet.subarray(10, 26).some((b) => b !== 0),
      'the range holds random bytes',
    );
  });

  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 4,000 paddings of 16 bytes: four fills of the 16 KiB pool.
    for (let i = 0; i < 4000; i++) {
      const pad = fillPadding(Buffer.alloc(16)).toString('hex');
      assert.ok(!seen.has(pad), `padding ${i} repeats an earlier one`);
      seen.add(pad);
    }
  });

  it('fills sizes beyond what the pool is for directly', () => {
    const big = fillPadding(Buffer.alloc(64 * 1024));
    assert.ok(big.subarray(-16).some((b) => b !== 0));
    assert.ok(big.subarray(0, 16).some((b) => b !== 0));
  });
});
