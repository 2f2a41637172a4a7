/**
 * The in-process {@link LoginWindows}: a map in this process's memory. Once many windows have piled
 * up, a failure first drops the ones whose time has passed, so a spray of names cannot grow it
 * without bound.
 */
import { type Budget, recordFailure, retryAfterMs, type Window } from '../../core/rate-limit.js';
import type { LoginWindows } from '../../ports/login-windows.js';

const PRUNE_AT = 10_000;

export class InProcessLoginWindows implements LoginWindows {
  readonly #windows = new Map<string, Window & { readonly windowMs: number }>();

  async retryAfterMs(budgets: readonly Budget[], now: number): Promise<number> {
    return Math.max(0, ...budgets.map((b) => retryAfterMs(this.#windows.get(b.key), b.policy, now)));
  }

  async recordFailure(budgets: readonly Budget[], now: number): Promise<void> {
    this.#prune(now);
    for (const b of budgets)
      this.#windows.set(b.key, {
        ...recordFailure(this.#windows.get(b.key), b.policy, now),
        windowMs: b.policy.windowMs,
      });
  }

  async clear(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  #prune(now: number): void {
    if (this.#windows.size < PRUNE_AT) return;
    for (const [key, window] of this.#windows)
      if (now - window.startedAt >= window.windowMs) this.#windows.delete(key);
  }
}
