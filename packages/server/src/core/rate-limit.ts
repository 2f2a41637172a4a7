/**
 * A fixed-window failure counter for login attempts, keyed by whatever the caller chooses
 * (username and client address). Pure state in, state out; the caller owns the map and the clock.
 */
export interface Window {
  readonly startedAt: number;
  readonly failures: number;
}

export interface RateLimitPolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
}

export const LOGIN_POLICY: RateLimitPolicy = { maxFailures: 5, windowMs: 60_000 };

/** Milliseconds until another attempt is allowed, or 0 when it is allowed now. */
export function retryAfterMs(window: Window | undefined, policy: RateLimitPolicy, now: number): number {
  if (!window || now - window.startedAt >= policy.windowMs) return 0;
  return window.failures >= policy.maxFailures ? window.startedAt + policy.windowMs - now : 0;
}

/** The window after one more failure at `now`. */
export function recordFailure(window: Window | undefined, policy: RateLimitPolicy, now: number): Window {
  if (!window || now - window.startedAt >= policy.windowMs) return { startedAt: now, failures: 1 };
  return { startedAt: window.startedAt, failures: window.failures + 1 };
}
