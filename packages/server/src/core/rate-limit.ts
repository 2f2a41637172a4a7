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

/**
 * Login budgets. Failures count against three windows, so guessing is slow whatever the attacker
 * spreads it over, yet nobody can lock a user out from somewhere else:
 * - the account from one source (5 a minute): the usual limit, which only that source suffers;
 * - one source over all accounts (20 a minute): one client spraying many names;
 * - the account from everywhere (100 in 15 minutes): guessing spread over many sources. A source
 *   the account has logged in from successfully is exempt, so the owner still gets in.
 * A source is a client address, or for the unix socket the workspace the request came from.
 */
export const LOGIN_BUDGETS = {
  accountFromSource: LOGIN_POLICY,
  source: { maxFailures: 20, windowMs: 60_000 },
  account: { maxFailures: 100, windowMs: 15 * 60_000 },
} as const satisfies Record<string, RateLimitPolicy>;

export interface Budget {
  readonly key: string;
  readonly policy: RateLimitPolicy;
}

/** The windows a login attempt for `username` from `source` counts against. */
export function loginBudgets(username: string, source: string, knownSource: boolean): Budget[] {
  const budgets: Budget[] = [
    { key: `pair:${username}\u0000${source}`, policy: LOGIN_BUDGETS.accountFromSource },
    { key: `source:${source}`, policy: LOGIN_BUDGETS.source },
  ];
  if (!knownSource) budgets.push({ key: `account:${username}`, policy: LOGIN_BUDGETS.account });
  return budgets;
}
