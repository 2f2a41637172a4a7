import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOGIN_BUDGETS,
  LOGIN_POLICY,
  loginBudgets,
  recordFailure,
  retryAfterMs,
  type Window,
} from '../../../src/core/rate-limit.js';

const T0 = 1_700_000_000_000;

function failTimes(times: number, at = T0): Window | undefined {
  let window: Window | undefined;
  for (let i = 0; i < times; i++) window = recordFailure(window, LOGIN_POLICY, at);
  return window;
}

describe('login rate limit', () => {
  it('given no failures, when asked, then an attempt is allowed now', () => {
    assert.equal(retryAfterMs(undefined, LOGIN_POLICY, T0), 0);
  });

  it('given the first failure, when recorded, then a window starts now with one failure', () => {
    assert.deepEqual(recordFailure(undefined, LOGIN_POLICY, T0), { startedAt: T0, failures: 1 });
  });

  it('given failures within the window, when recorded, then they count against the first failure’s window', () => {
    const window = recordFailure(recordFailure(undefined, LOGIN_POLICY, T0), LOGIN_POLICY, T0 + 30_000);
    assert.deepEqual(window, { startedAt: T0, failures: 2 });
  });

  it('given four failures, when asked, then an attempt is still allowed', () => {
    assert.equal(retryAfterMs(failTimes(4), LOGIN_POLICY, T0), 0);
  });

  it('given five failures in the window, when asked, then retry-after is positive and shrinks as time passes', () => {
    const window = failTimes(5);
    const waits = [0, 1, 10_000, 59_999].map((dt) => retryAfterMs(window, LOGIN_POLICY, T0 + dt));
    assert.deepEqual(waits, [60_000, 59_999, 50_000, 1]);
  });

  it('given five failures spread over the window, when asked, then the wait runs to the end of the window', () => {
    let window: Window | undefined;
    for (const dt of [0, 10_000, 20_000, 30_000, 40_000])
      window = recordFailure(window, LOGIN_POLICY, T0 + dt);
    assert.equal(retryAfterMs(window, LOGIN_POLICY, T0 + 40_000), 20_000);
  });

  it('given five failures, when the window expires, then attempts are allowed and the next failure starts afresh', () => {
    const window = failTimes(5);
    const later = T0 + LOGIN_POLICY.windowMs;
    assert.equal(retryAfterMs(window, LOGIN_POLICY, later), 0);
    assert.deepEqual(recordFailure(window, LOGIN_POLICY, later), { startedAt: later, failures: 1 });
  });

  it('given a success after failures, when the caller forgets the window, then the count starts from zero', () => {
    // The caller deletes its window on a successful login; what follows is the first failure again.
    assert.equal(retryAfterMs(failTimes(4), LOGIN_POLICY, T0), 0);
    const afterSuccess = recordFailure(undefined, LOGIN_POLICY, T0 + 1);
    assert.deepEqual(afterSuccess, { startedAt: T0 + 1, failures: 1 });
    assert.equal(retryAfterMs(afterSuccess, LOGIN_POLICY, T0 + 1), 0);
  });

  it('given a stricter policy, when its limit is reached, then it applies that policy', () => {
    const policy = { maxFailures: 2, windowMs: 1000 };
    const window = recordFailure(recordFailure(undefined, policy, T0), policy, T0);
    assert.equal(retryAfterMs(window, policy, T0 + 250), 750);
  });

  it('given the login policy, when read, then it allows five failures a minute', () => {
    assert.deepEqual(LOGIN_POLICY, { maxFailures: 5, windowMs: 60_000 });
  });
});

describe('login budgets', () => {
  it('counts an attempt against the account from this source, the source, and the account', () => {
    assert.deepEqual(
      loginBudgets('bob', 'ip:10.0.0.1', false).map((b) => [b.key, b.policy.maxFailures]),
      [
        ['pair:bob\u0000ip:10.0.0.1', 5],
        ['source:ip:10.0.0.1', 20],
        ['account:bob', 100],
      ],
    );
  });

  it('exempts a source the account logged in from before from the account-wide budget', () => {
    assert.deepEqual(
      loginBudgets('bob', 'workspace:w1', true).map((b) => b.key),
      ['pair:bob\u0000workspace:w1', 'source:workspace:w1'],
    );
  });

  it('gives the account-wide budget more room than one source gets', () => {
    assert.ok(LOGIN_BUDGETS.account.maxFailures > LOGIN_BUDGETS.source.maxFailures);
    assert.ok(LOGIN_BUDGETS.source.maxFailures > LOGIN_BUDGETS.accountFromSource.maxFailures);
  });
});
