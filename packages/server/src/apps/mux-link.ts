/**
 * The server's end of one multiplexing forwarder (mux-remote.ts): one exec into a workspace that
 * carries every stream to its ports, so a browser's connections and requests cost no exec each and
 * their frames share writes and wake-ups. Each stream is a socket of its own to the HTTP client,
 * with backpressure per stream (credit, see mux-codec.ts). When the exec is lost, its streams end
 * with an error and the next connection starts a new link.
 */
import type { ExecSession } from '../runtime/runtime.js';
import { ForwardSocket } from './forward-socket.js';
import { muxCodec } from './mux-codec.js';

const codec = muxCodec();
const { T, WINDOW, CREDIT_STEP } = codec;
/** A link with no stream for this long ends its exec (the forwarder uses memory in the workspace). */
const IDLE_MS = 60_000;
/** Bytes of one turn's frames beyond which writers wait for the exec to take them. */
const MAX_QUEUED = 1024 * 1024;
/** How long the forwarder may take to say hello (Node starting in a busy workspace). */
const HELLO_MS = 15_000;

export class MuxLink {
  readonly #proc: ExecSession;
  readonly #send: (type: number, id: number, payload?: Buffer) => void;
  readonly #streams = new Map<number, MuxStream>();
  readonly #opening = new Map<number, { resolve: (s: MuxStream) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  /**
   * The exec's stdin is behind (the credit a worker grants is not what bounds what we buffer: a
   * worker that grants credit without reading would otherwise have uploads pile up here).
   */
  #congested = false;
  /** Bytes sent since the last write to the exec (they go out together at the end of this turn). */
  #queued = 0;
  readonly #whenDrained: (() => void)[] = [];
  #lost: Error | undefined;
  #idle: NodeJS.Timeout | undefined;
  readonly #hello: Promise<void>;

  private constructor(proc: ExecSession) {
    this.#proc = proc;
    const outbox = codec.outbox((data) => {
      this.#queued = 0;
      if (this.#lost) return;
      // One buffer, one write: cheaper for the engine's side than a writev of many small pieces.
      const ok = proc.stdin.write(data);
      if (ok) this.#writable();
      else this.#congested = true;
    });
    this.#send = (type, id, payload) => {
      this.#queued += payload?.length ?? 0;
      outbox(type, id, payload);
    };
    proc.stdin.on('error', (error) => this.#lose(error));
    proc.stdin.on('drain', () => {
      this.#congested = false;
      this.#writable();
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2048) stderr += chunk.toString();
    });
    let hello: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    this.#hello = new Promise<void>((resolve, reject) => {
      hello = resolve;
      timer = setTimeout(() => {
        reject(new Error('the forwarder did not start in time'));
        proc.close();
      }, HELLO_MS);
      proc.exit.then(
        (code) => reject(new Error(`the forwarder exited ${code}: ${stderr.trim() || 'no output'}`)),
        (error: Error) => reject(error),
      );
    });
    this.#hello.finally(() => clearTimeout(timer)).catch(() => {});
    const read = codec.reader((type, id, payload) => {
      if (type === T.hello) return hello();
      this.#onFrame(type, id, payload);
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      try {
        read(chunk);
      } catch (error) {
        this.#lose(error as Error);
      }
    });
    proc.stdout.once('end', () =>
      this.#lose(new Error(`the forwarder ended: ${stderr.trim() || 'no output'}`)),
    );
    proc.exit.catch(() => {});
    this.#armIdle();
  }

  /** Starts a link over `proc` (the forwarder's exec); resolves once the forwarder runs. */
  static async start(proc: ExecSession): Promise<MuxLink> {
    const link = new MuxLink(proc);
    await link.#hello;
    return link;
  }

  /** False once the exec is lost: open a new link. */
  get usable(): boolean {
    return this.#lost === undefined;
  }

  /** A new stream to `port` on the workspace's loopback (127.0.0.1, else ::1). */
  open(port: number): Promise<MuxStream> {
    if (this.#lost) return Promise.reject(this.#lost);
    const id = this.#nextId++;
    clearTimeout(this.#idle);
    return new Promise((resolve, reject) => {
      this.#opening.set(id, { resolve, reject });
      const payload = Buffer.allocUnsafe(2);
      payload.writeUInt16BE(port, 0);
      this.#send(T.open, id, payload);
    });
  }

  /** Ends the exec and every stream on it. */
  close(): void {
    this.#lose(new Error('the forwarder was closed'));
  }

  /** @internal for MuxStream */
  send(type: number, id: number, payload?: Buffer): void {
    this.#send(type, id, payload);
  }

  /** @internal for MuxStream: runs `go` once the exec's stdin takes more. */
  whenWritable(go: () => void): void {
    if ((this.#congested || this.#queued >= MAX_QUEUED) && !this.#lost) this.#whenDrained.push(go);
    else go();
  }

  #writable(): void {
    for (const go of this.#whenDrained.splice(0)) this.whenWritable(go);
  }

  /** @internal for MuxStream: the stream is gone on this side; tells the worker unless it told us. */
  forget(id: number, tellWorker: boolean): void {
    if (!this.#streams.delete(id)) return;
    if (tellWorker) this.#send(T.close, id);
    this.#armIdle();
  }

  #onFrame(type: number, id: number, payload: Buffer): void {
    if (type === T.opened || type === T.fail) {
      const waiting = this.#opening.get(id);
      if (!waiting) return;
      this.#opening.delete(id);
      if (type === T.fail) {
        this.#armIdle();
        waiting.reject(new Error(payload.toString()));
        return;
      }
      const stream = new MuxStream(this, id);
      this.#streams.set(id, stream);
      waiting.resolve(stream);
      return;
    }
    const stream = this.#streams.get(id);
    if (!stream) return;
    if (type === T.data) stream.received(payload);
    else if (type === T.end) stream.workerEnded();
    else if (type === T.credit) stream.credited(payload.readUInt32BE(0));
    else if (type === T.close) {
      this.forget(id, false);
      stream.workerClosed();
    }
  }

  #lose(error: Error): void {
    if (this.#lost) return;
    this.#lost = error;
    clearTimeout(this.#idle);
    this.#proc.close();
    for (const { reject } of this.#opening.values()) reject(error);
    this.#opening.clear();
    this.#whenDrained.length = 0;
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const stream of streams) stream.destroy(error);
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    if (this.#streams.size > 0 || this.#opening.size > 0 || this.#lost) return;
    this.#idle = setTimeout(() => this.close(), IDLE_MS).unref();
  }
}

/** One stream of a link, as a socket. */
export class MuxStream extends ForwardSocket {
  readonly #link: MuxLink;
  readonly #id: number;
  /** Bytes we may still send before the worker's credit. */
  #credit = WINDOW;
  /** A write waiting for credit. */
  #waiting: (() => void) | undefined;
  /** Bytes received and passed on, not yet credited back. */
  #unacked = 0;
  #endReceived = false;

  constructor(link: MuxLink, id: number) {
    super();
    this.#link = link;
    this.#id = id;
  }

  /** @internal for MuxLink */
  received(payload: Buffer): void {
    this.active();
    this.#unacked += payload.length;
    if (this.push(payload)) this.#creditBack();
  }

  /** @internal for MuxLink: the worker's side sends no more. */
  workerEnded(): void {
    this.#endReceived = true;
    this.push(null);
  }

  /**
   * @internal for MuxLink: the worker's socket is gone. After an orderly end the stream finishes by
   * itself (its reader still gets what came before); without one, the connection was cut.
   */
  workerClosed(): void {
    if (!this.#endReceived) this.destroy();
  }

  /** @internal for MuxLink */
  credited(bytes: number): void {
    this.#credit += bytes;
    const waiting = this.#waiting;
    if (this.#credit > 0 && waiting) {
      this.#waiting = undefined;
      this.#link.whenWritable(waiting);
    }
  }

  override _read(): void {
    this.#creditBack();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.active();
    if (chunk.length <= WINDOW) this.#link.send(T.data, this.#id, chunk);
    else {
      // A frame carries at most one window: the peer refuses a payload over 16 MiB as a broken link.
      for (let at = 0; at < chunk.length; at += WINDOW) {
        this.#link.send(T.data, this.#id, chunk.subarray(at, at + WINDOW));
      }
    }
    this.#credit -= chunk.length;
    // The callback itself waits (called with no error): a request's write costs no closure.
    if (this.#credit > 0) this.#link.whenWritable(callback);
    else this.#waiting = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#link.send(T.end, this.#id);
    callback();
  }

  protected release(): void {
    this.#waiting = undefined;
    this.#link.forget(this.#id, true);
  }

  #creditBack(): void {
    if (this.#unacked < CREDIT_STEP) return;
    this.#link.send(T.credit, this.#id, codec.u32(this.#unacked));
    this.#unacked = 0;
  }
}
