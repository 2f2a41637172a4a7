/**
 * A stream to a port in a workspace dressed as a socket, so Node's HTTP client (and its keep-alive
 * agent) and TLS can speak over it: the methods net.Socket has and the HTTP client calls
 * (timeouts, keep-alive, ref) are provided. Subclasses carry the bytes and call `active()` on
 * traffic.
 */
import { Duplex } from 'node:stream';

export abstract class ForwardSocket extends Duplex {
  #idleMs = 0;
  #lastActive = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    super({ allowHalfOpen: false });
  }

  /** Frees what carries the bytes; called once, when the socket is destroyed. */
  protected abstract release(): void;

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.release();
    callback(error);
  }

  /** Emits `timeout` after `ms` without traffic, as net.Socket does (0 turns it off). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.#idleMs = ms;
    // As net.Socket: a callback is added for a timeout and removed when the timeout is turned off.
    if (onTimeout && ms === 0) this.off('timeout', onTimeout);
    else if (onTimeout) this.once('timeout', onTimeout);
    this.active();
    this.#arm();
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  /** Traffic only notes the time; one timer checks it, rather than a timer reset per chunk. */
  protected active(): void {
    this.#lastActive = performance.now();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#idleMs <= 0) return;
    const check = () => {
      const idle = performance.now() - this.#lastActive;
      if (idle >= this.#idleMs) {
        this.#timer = undefined;
        this.emit('timeout');
      } else this.#timer = setTimeout(check, this.#idleMs - idle).unref();
    };
    this.#timer = setTimeout(check, this.#idleMs).unref();
  }
}
