/**
 * The locks port: mutual exclusion per key, so that one workspace is never stopped or deleted twice
 * at once. Keys are opaque strings; each caller puts its own prefix on them
 * (`workspace-task:<workspace id>`), and different keys never wait for
 * each other.
 *
 * The contract (test/unit/coordination/locks.contract.ts, run against every adapter):
 * - Mutual exclusion: while `fn` of one call runs, no other call's `fn` for the same key runs, in
 *   this process or (for a shared adapter) any other.
 * - Release: the lock is released when `fn` settles, whether it resolves or throws; its result or
 *   error is the call's. A waiting {@link Locks.withLock} then runs; every waiter runs eventually.
 * - {@link Locks.tryWithLock} never waits: when the key is held it answers `{ acquired: false }` and
 *   does not run `fn`. Two calls made back to back without awaiting: exactly one acquires.
 * - Not re-entrant: a lock belongs to the call holding it, not to the code path. Inside `fn`,
 *   `tryWithLock` on the same key answers not acquired, and `withLock` on the same key waits until
 *   the outer call has released it (so awaiting it inside `fn` never finishes: nest different keys
 *   only). A database adapter whose locks are re-entrant per session must add this itself.
 */
export interface Locks {
  /** Runs `fn` holding `key`, waiting for the key first when another call holds it. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;

  /** Runs `fn` holding `key` if it is free now; when held, does nothing and answers not acquired. */
  tryWithLock<T>(key: string, fn: () => Promise<T>): Promise<LockAttempt<T>>;
}

export type LockAttempt<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };
