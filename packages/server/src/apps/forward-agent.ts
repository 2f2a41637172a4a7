/**
 * Keep-alive HTTP agents whose connections are streams to ports in workspaces (see
 * forward-links.ts): one agent per container and port, so a web IDE's hundreds of requests reuse a
 * few connections instead of opening one each.
 */
import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import type { ForwardLinks } from './forward-links.js';

/** Idle forwarders are closed after this long. */
const IDLE_MS = 30_000;
/** Connections per workspace port at once (browsers open six per origin; IDEs a few more). */
const MAX_SOCKETS = 32;

class ForwardAgent extends Agent {
  readonly #open: () => Promise<Duplex>;

  constructor(open: () => Promise<Duplex>, options: AgentOptions) {
    // No server name to work out from each request's Host (TLS upstreams name their own).
    super({ ...options, servername: '' } as AgentOptions);
    this.#open = open;
  }

  /** One pool per agent: every request goes to the same place, so no name to build per request. */
  override getName(): string {
    return '';
  }

  override createConnection(
    _options: unknown,
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    this.#open().then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error),
    );
    return undefined;
  }
}

export class ForwardAgents {
  readonly #links: ForwardLinks;
  readonly #agents = new Map<string, { agent: Agent; containerId: string }>();

  constructor(links: ForwardLinks) {
    this.#links = links;
  }

  /** The agent for `port` on the loopback of `target`'s container. */
  agent(target: ExecTarget, port: number): Agent {
    const key = `${target.containerId}:${port}`;
    const found = this.#agents.get(key);
    if (found) return found.agent;
    this.#dropOthersOf(target.workspaceId, target.containerId);
    const agent = new ForwardAgent(() => this.connect(target, port), {
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      maxFreeSockets: MAX_SOCKETS,
      timeout: IDLE_MS,
      scheduling: 'lifo',
    });
    this.#agents.set(key, { agent, containerId: target.containerId });
    this.#workspaces.set(target.workspaceId, target.containerId);
    return agent;
  }

  /** One new connection to `port` (WebSocket upgrades and health checks). */
  connect(target: ExecTarget, port: number): Promise<Duplex> {
    return this.#links.open(target, port);
  }

  /** Closes every pooled connection. */
  close(): void {
    for (const { agent } of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  readonly #workspaces = new Map<string, string>();

  /** A rebuilt workspace has a new container: the old one's agents can go. */
  #dropOthersOf(workspaceId: string, containerId: string): void {
    const old = this.#workspaces.get(workspaceId);
    if (old === undefined || old === containerId) return;
    for (const [key, entry] of this.#agents)
      if (entry.containerId === old) {
        entry.agent.destroy();
        this.#agents.delete(key);
      }
  }
}
