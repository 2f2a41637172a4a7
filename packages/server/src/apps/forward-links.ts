/**
 * How the app proxy reaches a port in a workspace: a stream of the workspace's one multiplexing
 * forwarder (mux-link.ts), started on first use and again after it is lost. A workspace where that
 * forwarder cannot run (an installation whose workspaces get no `hearth-cli`, so no Node) gets a
 * forwarder exec per connection instead (bash's /dev/tcp, as `ssh -L` uses), as do connections
 * opened to last ({@link ForwardLinks.openExec}). Either way the port is tried on 127.0.0.1, then
 * on ::1, so a dev server listening only on IPv6's loopback works too.
 */
import type { Duplex } from 'node:stream';
import type { ProcessOpener } from '../access/session-entry.js';
import { openTcpForwarder } from '../access/ssh-forward.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import { ExecSocket } from './exec-socket.js';
import { MuxLink } from './mux-link.js';
import { muxForwarderCommand } from './mux-remote.js';

interface Entry {
  readonly containerId: string;
  link?: Promise<MuxLink>;
  /** The forwarder could not start in this container: connections get an exec each. */
  unavailable?: Error;
}

export class ForwardLinks {
  readonly #sessions: ProcessOpener;
  readonly #entries = new Map<string, Entry>();

  constructor(sessions: ProcessOpener) {
    this.#sessions = sessions;
  }

  /** A new connection to `port` on the loopback of `target`'s container. */
  async open(target: ExecTarget, port: number): Promise<Duplex> {
    const link = await this.#link(target);
    if (link) return link.open(port);
    return this.openExec(target, port);
  }

  /**
   * A new connection to `port` over a forwarder exec of its own: tens of milliseconds to start,
   * but then each chunk costs only bash's `cat` in the workspace, where a stream of the shared
   * forwarder costs its Node a turn. For connections that last (the app proxy's pools).
   */
  async openExec(target: ExecTarget, port: number): Promise<Duplex> {
    return new ExecSocket(await this.#execForwarder(target, port));
  }

  /** Ends every forwarder. */
  close(): void {
    for (const entry of this.#entries.values())
      entry.link?.then(
        (l) => l.close(),
        () => {},
      );
    this.#entries.clear();
  }

  async #link(target: ExecTarget): Promise<MuxLink | undefined> {
    let entry = this.#entries.get(target.workspaceId);
    if (entry?.containerId !== target.containerId) {
      // A rebuilt workspace has a new container: the old one's forwarder can go.
      entry?.link?.then(
        (l) => l.close(),
        () => {},
      );
      entry = { containerId: target.containerId };
      this.#entries.set(target.workspaceId, entry);
    }
    for (;;) {
      if (entry.unavailable) return undefined;
      const current = entry.link;
      if (!current) {
        entry.link = this.#start(target, entry);
        continue;
      }
      const link = await current.catch(() => undefined);
      if (link?.usable) return link;
      // Lost (or failed): whoever notices first starts the next one; the others wait for it.
      if (entry.link === current && !entry.unavailable) entry.link = undefined;
    }
  }

  async #start(target: ExecTarget, entry: Entry): Promise<MuxLink> {
    try {
      return await MuxLink.start(await this.#sessions.open(target, { cmd: muxForwarderCommand() }));
    } catch (error) {
      entry.unavailable = error as Error;
      throw error;
    }
  }

  async #execForwarder(target: ExecTarget, port: number) {
    try {
      return await openTcpForwarder(this.#sessions, target, '127.0.0.1', port);
    } catch (error) {
      return await openTcpForwarder(this.#sessions, target, '::1', port).catch(() => {
        throw error;
      });
    }
  }
}
