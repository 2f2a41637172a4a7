import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hookFailure } from '../../../src/builds/hook-exec.js';

describe('hookFailure', () => {
  const tail = ['step 1', '', 'boom'];

  it('says a hook that reached its limit timed out, with the tail of its output', () => {
    assert.equal(
      hookFailure('/hearth/configure', { code: 124, timedOut: true, tail }, 300),
      '/hearth/configure timed out after 5m and was killed; last output:\nstep 1\nboom',
    );
  });

  it('says a hook killed before its limit was killed, and by what it likely was', () => {
    assert.match(
      hookFailure('/hearth/configure', { code: 137, timedOut: false, tail: [] }, 300),
      /^\/hearth\/configure was killed \(SIGKILL: its container was stopped, or it ran out of memory\) \(no output\)$/,
    );
  });

  it('gives any other exit code as it is', () => {
    assert.equal(
      hookFailure('~/personalize', { code: 3, timedOut: false, tail: ['nope'] }, 600),
      '~/personalize exited with code 3; last output:\nnope',
    );
  });
});
