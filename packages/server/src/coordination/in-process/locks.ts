/**
 * The in-process {@link Locks}: per key, the tail of a promise chain in this process's memory. A
 * key with nobody holding or waiting is forgotten, so the map holds only what is in use.
 */
import type { LockAttempt, Locks } from '../../ports/locks.js';

export class InProcessLocks implements Locks {
  /** Per held key: the promise that settles when the last call queued on it has released. */
  readonly #tails = new Map<string, Promise<void>>();

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key);
    const release = this.#hold(key);
    try {
      if (before) await before;
      return await fn();
    } finally {
      release();
    }
  }

  async tryWithLock<T>(key: string, fn: () => Promise<T>): Promise<LockAttempt<T>> {
    if (this.#tails.has(key)) return { acquired: false };
    const release = this.#hold(key);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      release();
    }
  }

  /** Makes the caller the key's last holder-to-be; the returned function releases it. */
  #hold(key: string): () => void {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#tails.set(key, mine);
    return () => {
      release();
      if (this.#tails.get(key) === mine) this.#tails.delete(key);
    };
  }
}
