/**
 * A forwarder exec as a socket: bytes written go to the forwarder's stdin, its stdout is what the
 * target sent. The fallback for workspaces where the multiplexing forwarder cannot run.
 */
import type { ExecSession } from '../runtime/runtime.js';
import { ForwardSocket } from './forward-socket.js';

export class ExecSocket extends ForwardSocket {
  readonly #proc: ExecSession;

  constructor(proc: ExecSession) {
    super();
    this.#proc = proc;
    proc.stdout.on('data', (chunk: Buffer) => {
      this.active();
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
    this.active();
    this.#proc.stdin.write(chunk, (error) => callback(error));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#proc.stdin.end(() => callback());
  }

  protected release(): void {
    this.#proc.close();
  }
}
