/**
 * The contract every {@link LoginWindows} adapter passes (src/ports/login-windows.ts): waits from
 * stored windows, failures that all count, independent keys, clear, and pruning that never forgets
 * a window that still counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Budget } from '../../../src/core/rate-limit.js';
import type { LoginWindows } from '../../../src/ports/login-windows.js';

const T = Date.parse('2026-12-01T10:00:00Z');
const MINUTE = 60_000;
const budget = (key: string, maxFailures = 3, windowMs = MINUTE): Budget => ({
  key,
  policy: { maxFailures, windowMs },
});

/**
 * `sprayNames`: how many names the spray case fails on. The default passes the in-process adapter's
 * size bound (it prunes at 10,000 windows); an adapter that prunes by time alone needs no more than
 * enough to see that the old windows went and the counting one stayed.
 */
export function loginWindowsContract(
  name: string,
  make: () => LoginWindows | Promise<LoginWindows>,
  { sprayNames = 10_001 }: { sprayNames?: number } = {},
): void {
  describe(`login windows contract: ${name}`, () => {
    it('given no failures, when asked, then nothing holds the attempt back', async () => {
      const windows = await make();
      assert.equal(await windows.retryAfterMs([budget('a'), budget('b')], T), 0);
    });

    it('given failures up to the limit, when asked, then the wait runs to the end of the window', async () => {
      const windows = await make();
      const b = [budget('a')];
      await windows.recordFailure(b, T);
      await windows.recordFailure(b, T + 1_000);
      assert.equal(await windows.retryAfterMs(b, T + 2_000), 0, 'below the limit');
      await windows.recordFailure(b, T + 2_000);
      assert.equal(await windows.retryAfterMs(b, T + 10_000), MINUTE - 10_000);
      assert.equal(await windows.retryAfterMs(b, T + MINUTE), 0, 'the window has ended');
    });

    it('given an ended window, when a failure comes, then a new window starts from it', async () => {
      const windows = await make();
      const b = [budget('a')];
      for (let i = 0; i < 3; i++) await windows.recordFailure(b, T);
      await windows.recordFailure(b, T + MINUTE);
      await windows.recordFailure(b, T + MINUTE);
      assert.equal(await windows.retryAfterMs(b, T + MINUTE + 1), 0);
      await windows.recordFailure(b, T + MINUTE + 1);
      assert.equal(await windows.retryAfterMs(b, T + MINUTE + 1), MINUTE - 1);
    });

    it('given several budgets, when asked, then the longest wait wins', async () => {
      const windows = await make();
      const short = budget('short', 1, MINUTE);
      const long = budget('long', 1, 15 * MINUTE);
      await windows.recordFailure([short, long], T);
      assert.equal(await windows.retryAfterMs([short, long], T), 15 * MINUTE);
      assert.equal(await windows.retryAfterMs([short], T), MINUTE);
    });

    it('given failures on one key, when another is asked, then it is not held back', async () => {
      const windows = await make();
      await windows.recordFailure([budget('a', 1)], T);
      assert.equal(await windows.retryAfterMs([budget('b', 1)], T), 0);
      assert.equal(await windows.retryAfterMs([budget('a:', 1)], T), 0);
    });

    it('given keys of any characters (a NUL between account and source), then each keeps its own window', async () => {
      const windows = await make();
      await windows.recordFailure([budget('pair:bob\u0000ip:127.0.0.1', 1)], T);
      assert.equal(await windows.retryAfterMs([budget('pair:bob\u0000ip:127.0.0.1', 1)], T), MINUTE);
      assert.equal(await windows.retryAfterMs([budget('pair:bob\u0001ip:127.0.0.1', 1)], T), 0);
      await windows.clear('pair:bob\u0000ip:127.0.0.1');
      assert.equal(await windows.retryAfterMs([budget('pair:bob\u0000ip:127.0.0.1', 1)], T), 0);
    });

    it('given two limited keys, when one is cleared, then only that one is free', async () => {
      const windows = await make();
      await windows.recordFailure([budget('a', 1), budget('b', 1)], T);
      await windows.clear('a');
      assert.equal(await windows.retryAfterMs([budget('a', 1)], T), 0);
      assert.equal(await windows.retryAfterMs([budget('b', 1)], T), MINUTE);
    });

    it('given failures recorded at the same time, when they all land, then every one counts', async () => {
      const windows = await make();
      const b = [budget('a', 20)];
      await Promise.all(Array.from({ length: 19 }, () => windows.recordFailure(b, T)));
      assert.equal(await windows.retryAfterMs(b, T), 0, '19 of 20');
      await windows.recordFailure(b, T);
      assert.equal(await windows.retryAfterMs(b, T), MINUTE, 'the 20th');
    });

    it('given a spray of failures over many names, when old windows are dropped, then one that still counts is kept', async () => {
      const windows = await make();
      const victim = budget('account:victim', 3, 15 * MINUTE);
      for (let i = 0; i < 3; i++) await windows.recordFailure([victim], T);
      for (let i = 0; i < sprayNames; i++) await windows.recordFailure([budget(`source:${i}`, 20)], T);
      await windows.recordFailure([budget('source:late', 20)], T + 2 * MINUTE);
      assert.equal(await windows.retryAfterMs([victim], T + 2 * MINUTE), 13 * MINUTE);
      assert.equal(await windows.retryAfterMs([budget('source:7', 1)], T + 2 * MINUTE), 0);
    });
  });
}
