/**
 * Keep-alive connections to one port in a workspace (see forward-links.ts), lent to one request at
 * a time: a web IDE's hundreds of requests reuse a few connections instead of opening one each.
 * The pool only holds and lends them; what is said over a connection is the borrower's business
 * (app-exchange.ts).
 *
 * A connection the pool opens for a request is quick to open (a stream of the workspace's shared
 * forwarder), so the first request does not wait for an exec to start. Beside it the pool opens
 * one lasting connection (a forwarder exec of its own, quicker per request once up: see
 * {@link MAX_LASTING}), lends it first once it is up, and closes an idle quick one. A lasting
 * connection that cannot be had (no bash in the image) leaves the quick ones in service, and is
 * tried again a while later.
 */
import type { Duplex } from 'node:stream';

/** Idle connections are closed after this long. */
const IDLE_MS = 30_000;
/** Connections per workspace port at once (browsers open six per origin; IDEs a few more). */
const MAX_SOCKETS = 32;
/**
 * Why one lasting connection per pool ({@link MAX_LASTING}): it carries a lone stream of requests
 * (one after another, each waiting for the last) faster than a stream of the shared forwarder,
 * whose Node takes a turn per chunk where the exec's `cat` takes a read; under concurrent requests
 * the shared forwarder answers more per second (bench/apps.js: about 8,000 against 5,200 at 8
 * connections when every connection was an exec), as it carries many requests in each write.
 */
const MAX_LASTING = 1;
/** After a lasting connection could not be opened, the quick ones serve alone this long. */
const LASTING_RETRY_MS = 30_000;

/** What a borrower hears from its connection while it holds it. */
export interface ConnectionUser {
  data(chunk: Buffer): void;
  /** The other side sends no more. */
  end(): void;
  /** The connection is gone (destroyed, cut, or the forwarder lost). */
  closed(error: Error): void;
}

/**
 * One pooled connection. Its listeners are set once, for its whole life, and pass what comes to
 * whoever holds it: a request costs no listener added and removed. An idle connection that hears
 * anything (the app closing it, or bytes nobody asked for) is closed.
 */
export class UpstreamConnection {
  readonly socket: Duplex;
  /** A connection of its own (an exec), not a stream of the shared forwarder. */
  readonly lasting: boolean;
  #user: ConnectionUser | undefined;
  /**
   * The idle timer: armed when the connection first rests and left running while it is lent, so a
   * request costs no timer; when it fires it looks at how long the connection has been resting.
   */
  #idle: NodeJS.Timeout | undefined;
  /** performance.now() when it last came back to rest; -1 while lent. */
  #restingSince = -1;
  #onIdle: (() => void) | undefined;
  #error: Error | undefined;

  constructor(socket: Duplex, gone: (connection: UpstreamConnection) => void, lasting = false) {
    this.socket = socket;
    this.lasting = lasting;
    socket.on('data', (chunk: Buffer) => {
      if (this.#user) this.#user.data(chunk);
      else socket.destroy();
    });
    socket.on('end', () => {
      if (this.#user) this.#user.end();
      else socket.destroy();
    });
    socket.on('error', (error: Error) => {
      this.#error ??= error;
    });
    socket.on('close', () => {
      clearTimeout(this.#idle);
      const user = this.#user;
      this.#user = undefined;
      gone(this);
      user?.closed(this.#error ?? new Error('the connection to the app closed'));
    });
  }

  get usable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  /** @internal for UpstreamPool */
  lend(user: ConnectionUser): void {
    this.#restingSince = -1;
    this.#user = user;
  }

  /** @internal for UpstreamPool: `onIdle` runs once it has rested {@link IDLE_MS} without a loan. */
  rest(onIdle: () => void): void {
    this.#user = undefined;
    // A response that paused the connection for a slow client must not leave it deaf while idle.
    this.socket.resume();
    this.#restingSince = performance.now();
    this.#onIdle = onIdle;
    if (!this.#idle) this.#arm(IDLE_MS);
  }

  #arm(ms: number): void {
    this.#idle = setTimeout(this.#check, ms).unref();
  }

  readonly #check = (): void => {
    this.#idle = undefined;
    // Lent: armed again when it next rests.
    if (this.#restingSince < 0) return;
    const rested = performance.now() - this.#restingSince;
    if (rested >= IDLE_MS) this.#onIdle?.();
    else this.#arm(IDLE_MS - rested);
  };
}

/** The connections to one port of one container. */
export class UpstreamPool {
  readonly #connect: () => Promise<Duplex>;
  readonly #connectLasting: (() => Promise<Duplex>) | undefined;
  /** Idle connections, the most recently used last: lasting ones, lent first, and quick ones. */
  readonly #freeLasting: UpstreamConnection[] = [];
  readonly #free: UpstreamConnection[] = [];
  readonly #all = new Set<UpstreamConnection>();
  /** Connections being opened, counted against the limit with the open ones. */
  #opening = 0;
  /** Lasting connections open or being opened (at most {@link MAX_LASTING}). */
  #lasting = 0;
  /** performance.now() before which no lasting connection is tried (one failed). */
  #lastingAfter = 0;
  readonly #waiting: {
    user: ConnectionUser;
    resolve: (c: UpstreamConnection) => void;
    reject: (e: Error) => void;
  }[] = [];
  #closed = false;

  /** `connect` opens a quick connection, `connectLasting` (when there is such a way) a lasting one. */
  constructor(connect: () => Promise<Duplex>, connectLasting?: () => Promise<Duplex>) {
    this.#connect = connect;
    this.#connectLasting = connectLasting;
  }

  /**
   * An idle connection for one request, its bytes going to `user` until {@link release}: a lasting
   * one first, the most recently used (whose forwarder is warm). Undefined when none is idle: then
   * {@link lease}. Synchronous, so a request on a warm pool is sent in the turn it arrived in.
   */
  take(user: ConnectionUser): UpstreamConnection | undefined {
    return this.#takeFrom(this.#freeLasting, user) ?? this.#takeFrom(this.#free, user);
  }

  #takeFrom(free: UpstreamConnection[], user: ConnectionUser): UpstreamConnection | undefined {
    for (let c = free.pop(); c; c = free.pop())
      if (c.usable) {
        c.lend(user);
        return c;
      }
    return undefined;
  }

  /**
   * A connection for one request, its bytes going to `user` until {@link release}: an idle one
   * (see {@link take}), else a new one, else the next one freed.
   */
  lease(user: ConnectionUser): Promise<UpstreamConnection> {
    const idle = this.take(user);
    if (idle) return Promise.resolve(idle);
    if (this.#all.size + this.#opening >= MAX_SOCKETS)
      return new Promise((resolve, reject) => this.#waiting.push({ user, resolve, reject }));
    return this.#open(user);
  }

  /** Gives `connection` back: kept for the next request when `reusable`, else closed. */
  release(connection: UpstreamConnection, reusable: boolean): void {
    if (!reusable || this.#closed || !connection.usable) {
      connection.socket.destroy();
      return;
    }
    const next = this.#waiting.shift();
    if (next) {
      connection.lend(next.user);
      next.resolve(connection);
      return;
    }
    this.#rest(connection);
  }

  /** Keeps `connection` idle for the next request, until it has rested too long. */
  #rest(connection: UpstreamConnection): void {
    connection.rest(() => connection.socket.destroy());
    (connection.lasting ? this.#freeLasting : this.#free).push(connection);
  }

  /** Closes every connection, idle or lent. */
  close(): void {
    this.#closed = true;
    for (const c of this.#all) c.socket.destroy();
    this.#free.length = 0;
    this.#freeLasting.length = 0;
    for (const { reject } of this.#waiting.splice(0)) reject(new Error('the app proxy was closed'));
  }

  async #open(user: ConnectionUser): Promise<UpstreamConnection> {
    this.#opening++;
    let socket: Duplex;
    try {
      socket = await this.#connect();
    } catch (error) {
      this.#opening--;
      this.#serveNext();
      throw error;
    }
    this.#opening--;
    const connection = this.#add(socket, false);
    connection.lend(user);
    this.#openLasting();
    return connection;
  }

  #add(socket: Duplex, lasting: boolean): UpstreamConnection {
    const connection = new UpstreamConnection(socket, (c) => this.#gone(c), lasting);
    this.#all.add(connection);
    return connection;
  }

  /** Opens a lasting connection unless the pool has its share, or one failed a moment ago. */
  #openLasting(): void {
    const connect = this.#connectLasting;
    if (!connect || this.#lasting >= MAX_LASTING || performance.now() < this.#lastingAfter) return;
    this.#lasting++;
    connect().then(
      (socket) => {
        if (this.#closed) return void socket.destroy();
        const connection = this.#add(socket, true);
        // It takes the place of a quick one that rests (a busy pool keeps its others).
        this.#free.shift()?.socket.destroy();
        const next = this.#waiting.shift();
        if (next) {
          connection.lend(next.user);
          next.resolve(connection);
        } else this.#rest(connection);
      },
      () => {
        this.#lasting--;
        this.#lastingAfter = performance.now() + LASTING_RETRY_MS;
      },
    );
  }

  #gone(connection: UpstreamConnection): void {
    this.#all.delete(connection);
    if (connection.lasting) this.#lasting--;
    const free = connection.lasting ? this.#freeLasting : this.#free;
    const at = free.indexOf(connection);
    if (at !== -1) free.splice(at, 1);
    this.#serveNext();
  }

  /** A place came free: the first request waiting for one gets a new connection. */
  #serveNext(): void {
    const next = this.#waiting.shift();
    if (next) this.#open(next.user).then(next.resolve, next.reject);
  }
}
