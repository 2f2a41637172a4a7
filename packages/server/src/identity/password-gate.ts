/**
 * Bounds password hashing. Each argon2id hash takes a core for tens of milliseconds and its memory
 * cost in RAM; unbounded, 20 concurrent logins took both cores and ~870 MB. Through the gate at
 * most `concurrency` hashes (or verifications) run at once, at most `queue` more wait, in order,
 * and any beyond that are refused at once with `server_busy` and a Retry-After estimate, so memory
 * stays bounded whatever the number of attempts. Work whose client has gone before its turn
 * (its signal aborted) is dropped with `client_gone`, never run, and gives its place up.
 */
import { clientGone, HearthError, stopIfClientGone } from '../errors.js';
import type { Passwords } from './passwords.js';

export interface GateLimits {
  /** Hashes that run at once. */
  readonly concurrency: number;
  /** Hashes that may wait for a turn; more are refused. */
  readonly queue: number;
}

/** A guess at one hash's duration until one has been measured. */
const FIRST_GUESS_MS = 100;

export function gatedPasswords(inner: Passwords, limits: GateLimits): Passwords {
  const gate = new HashGate(limits);
  return {
    hash: (password) => gate.run(() => inner.hash(password)),
    verify: (hash, password, signal) => gate.run(() => inner.verify(hash, password), signal),
    needsRehash: (hash) => inner.needsRehash(hash),
    refusal: () => gate.refusal() ?? inner.refusal(),
  };
}

export class HashGate {
  readonly #limits: GateLimits;
  readonly #waiting: { readonly go: () => void; readonly drop: () => void }[] = [];
  #running = 0;
  /** A moving average of how long one piece of work took, for Retry-After. */
  #averageMs = FIRST_GUESS_MS;
  /**
   * The last refusal, given again while its Retry-After is the same: a rush of refusals (most of
   * 200 connections' logins) then builds no Error, and captures no stack, each. Nothing changes an
   * error once made (its fields are readonly), so one serves every caller refused alike.
   */
  #refusal: HearthError | undefined;

  constructor(limits: GateLimits) {
    if (limits.concurrency < 1 || limits.queue < 0)
      throw new RangeError('a hash gate needs concurrency >= 1 and queue >= 0');
    this.#limits = limits;
  }

  /** Runs `work` in its turn; not at all once `signal` has aborted before that turn came. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    stopIfClientGone(signal);
    if (this.#running >= this.#limits.concurrency) {
      if (this.#waiting.length >= this.#limits.queue) throw this.#busy();
      await new Promise<void>((resolve, reject) => {
        const entry = {
          go: () => {
            signal?.removeEventListener('abort', entry.drop);
            resolve();
          },
          drop: () => {
            this.#waiting.splice(this.#waiting.indexOf(entry), 1);
            reject(clientGone());
          },
        };
        this.#waiting.push(entry);
        signal?.addEventListener('abort', entry.drop, { once: true });
      });
    } else {
      this.#running++;
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.#averageMs = 0.8 * this.#averageMs + 0.2 * (performance.now() - started);
      // The turn passes straight to the next in line: #running stays as it is.
      const next = this.#waiting.shift();
      if (next) next.go();
      else this.#running--;
    }
  }

  /** The refusal work asked now would meet at once (`server_busy`), or undefined if it would be admitted. */
  refusal(): HearthError | undefined {
    const full = this.#running >= this.#limits.concurrency && this.#waiting.length >= this.#limits.queue;
    return full ? this.#busy() : undefined;
  }

  #busy(): HearthError {
    // Time until the queue has drained at the current pace: a fair moment to come back.
    const drainMs = ((this.#waiting.length + this.#running) * this.#averageMs) / this.#limits.concurrency;
    const seconds = Math.max(1, Math.ceil(drainMs / 1000));
    if (this.#refusal?.detail?.retryAfterSeconds !== seconds)
      this.#refusal = new HearthError(
        'server_busy',
        `the server is busy checking other passwords; try again in ${seconds}s`,
        { retryAfterSeconds: seconds },
      );
    return this.#refusal;
  }
}
