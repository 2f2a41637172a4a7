/**
 * The login windows port: where the failure windows of core/rate-limit.ts live between attempts.
 * core decides (what a window becomes after a failure, how long it makes a client wait); the port
 * only keeps the windows, so replicas sharing one store slow a guesser down together.
 *
 * The contract (test/unit/coordination/login-windows.contract.ts, run against every adapter):
 * - {@link LoginWindows.retryAfterMs} is the longest wait core's `retryAfterMs` gives for any of the
 *   budgets over its stored window; 0 when no window holds the attempt back.
 * - {@link LoginWindows.recordFailure} moves every budget's window on by core's `recordFailure`;
 *   failures recorded at the same time all count, none is lost to a race.
 * - Keys never affect each other; {@link LoginWindows.clear} forgets one key's window only.
 * - An adapter may drop a window once its policy's time has passed (it holds nothing back then),
 *   never one that still counts.
 */
import type { Budget } from '../core/rate-limit.js';

export interface LoginWindows {
  retryAfterMs(budgets: readonly Budget[], now: number): Promise<number>;
  recordFailure(budgets: readonly Budget[], now: number): Promise<void>;
  clear(key: string): Promise<void>;
}
