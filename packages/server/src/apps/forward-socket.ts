/**
 * A stream to a port in a workspace dressed as a socket, so Node's HTTP client (health checks) and
 * TLS can speak over it: the methods net.Socket has and the HTTP client calls
 * (timeouts, keep-alive, ref) are provided. Subclasses carry the bytes and call `active()` on
 * traffic.
 */
import { Duplex } from 'node:stream';

export abstract class ForwardSocket extends Duplex {
  /** The idle timeout in ms, as net.Socket has it (the HTTP agent sets it only when it differs). */
  timeout = 0;
  #lastActive = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (performance.now()). */
  #due = 0;

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
    // As net.Socket: a callback is added for a timeout and removed when the timeout is turned off.
    if (onTimeout && ms === 0) this.off('timeout', onTimeout);
    else if (onTimeout) this.once('timeout', onTimeout);
    this.active();
    this.timeout = ms;
    // Turning it off, or setting it again (the HTTP agent does both for every keep-alive request),
    // leaves an armed timer alone: when it fires it looks at the timeout and the last traffic.
    if (ms > 0 && (!this.#timer || this.#due > this.#lastActive + ms)) this.#arm(ms);
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

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#due = performance.now() + ms;
    this.#timer = setTimeout(this.#check, ms).unref();
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.timeout <= 0) return;
    const idle = performance.now() - this.#lastActive;
    if (idle >= this.timeout) this.emit('timeout');
    else this.#arm(this.timeout - idle);
  };
}
