/**
 * The upstreams of the app proxy: per container and port, a pool of keep-alive connections that
 * are streams to that port in the workspace (see forward-links.ts, upstream-pool.ts), so a web
 * IDE's hundreds of requests reuse a few connections instead of opening one each. A pool opens
 * streams of the workspace's shared forwarder (a millisecond to open) and, beside them, one
 * forwarder exec of its own, which it lends first once it is up (see upstream-pool.ts).
 */
import type { Duplex } from 'node:stream';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import type { ForwardLinks } from './forward-links.js';
import { UpstreamPool } from './upstream-pool.js';

export class ForwardAgents {
  readonly #links: ForwardLinks;
  readonly #pools = new Map<string, { pool: UpstreamPool; containerId: string }>();

  constructor(links: ForwardLinks) {
    this.#links = links;
  }

  /** The pooled connections to `port` on the loopback of `target`'s container. */
  pool(target: ExecTarget, port: number): UpstreamPool {
    const key = `${target.containerId}:${port}`;
    const found = this.#pools.get(key);
    if (found) return found.pool;
    this.#dropOthersOf(target.workspaceId, target.containerId);
    const pool = new UpstreamPool(
      () => this.connect(target, port),
      async () => this.over(await this.#links.openExec(target, port)),
    );
    this.#pools.set(key, { pool, containerId: target.containerId });
    this.#workspaces.set(target.workspaceId, target.containerId);
    return pool;
  }

  /** One new connection to `port`, quick to open (WebSocket upgrades, health checks, a pool's first). */
  async connect(target: ExecTarget, port: number): Promise<Duplex> {
    return this.over(await this.#links.open(target, port));
  }

  /** What the app is spoken to over, on a stream to its port: the stream itself (TLS agents wrap it). */
  protected over(stream: Duplex): Duplex {
    return stream;
  }

  /** Closes every pooled connection. */
  close(): void {
    for (const { pool } of this.#pools.values()) pool.close();
    this.#pools.clear();
  }

  readonly #workspaces = new Map<string, string>();

  /** A rebuilt workspace has a new container: the old one's pools can go. */
  #dropOthersOf(workspaceId: string, containerId: string): void {
    const old = this.#workspaces.get(workspaceId);
    if (old === undefined || old === containerId) return;
    for (const [key, entry] of this.#pools)
      if (entry.containerId === old) {
        entry.pool.close();
        this.#pools.delete(key);
      }
  }
}
