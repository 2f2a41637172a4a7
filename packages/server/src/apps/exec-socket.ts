/**
 * A forwarder exec dressed as a socket, so Node's HTTP client (and its keep-alive agent) can speak
 * HTTP/1.1 over it: bytes written go to the forwarder's stdin, its stdout is what the target sent.
 * The methods net.Socket has and the HTTP client calls (keep-alive, timeouts, ref) are provided.
 */
import { Duplex } from 'node:stream';
import type { ExecSession } from '../runtime/runtime.js';

export class ExecSocket extends Duplex {
  readonly #proc: ExecSession;
  #idleMs = 0;
  #lastActive = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(proc: ExecSession) {
    super({ allowHalfOpen: false });
    this.#proc = proc;
    proc.stdout.on('data', (chunk: Buffer) => {
      this.#active();
      if (!this.push(chunk)) proc.stdout.pause();
    });
    proc.stdout.once('end', () => this.push(null));
    proc.stdout.once('error', (error) => this.destroy(error));
    proc.stderr.resume();
  }

  override _read(): void {
    this.#proc.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#active();
    this.#proc.stdin.write(chunk, (error) => callback(error));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#proc.stdin.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#proc.close();
    callback(error);
  }

  /** Emits `timeout` after `ms` without traffic, as net.Socket does (0 turns it off). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.#idleMs = ms;
    // As net.Socket: a callback is added for a timeout and removed when the timeout is turned off.
    if (onTimeout && ms === 0) this.off('timeout', onTimeout);
    else if (onTimeout) this.once('timeout', onTimeout);
    this.#active();
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
  #active(): void {
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
