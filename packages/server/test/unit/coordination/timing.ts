/**
 * Waiting helpers for the coordination contracts, which must pass against adapters that act at
 * once (in-process) and ones that act a moment later (a database, another process).
 */
import { setImmediate, setTimeout } from 'node:timers/promises';

/** How long an adapter may take to act; the suites assert "did not happen" only after this. */
export interface Timing {
  /** Time after which nothing more happening counts as "it did not happen" (default: a few event-loop turns). */
  readonly quietMs?: number;
  /** Longest wait for something that must happen (default 2 s). */
  readonly timeoutMs?: number;
}

/** Lets the adapter act: a few event-loop turns, then `quietMs`. */
export async function quiet(timing: Timing): Promise<void> {
  for (let i = 0; i < 5; i++) await setImmediate();
  if (timing.quietMs) await setTimeout(timing.quietMs);
}

/** Resolves once `check` holds; fails with `what` after `timeoutMs`. */
export async function until(timing: Timing, what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + (timing.timeoutMs ?? 2000);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await setTimeout(1);
  }
}

export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
