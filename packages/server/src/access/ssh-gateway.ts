/**
 * The SSH gateway: terminates SSH (ssh2) on a byte stream the HTTP layer has already authenticated
 * and authorized for one workspace, and maps each channel onto an engine exec in that workspace:
 * sessions (pty, env, shell, exec, window-change), the sftp subsystem, and direct-tcpip forwards.
 * SSH authentication itself accepts anyone: who may connect was decided by the tunnel's token.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import type { Runtime } from '../runtime/runtime.js';
import type { ActivitySink } from '../services/activity.js';
import type { WorkspaceEvents } from '../services/events.js';
import type { Logger } from '../services/ports.js';
import type { ExecTarget } from '../services/workspaces.js';
import type { HostKey } from './host-key.js';
import { openForward } from './ssh-forward.js';
import { SshSession } from './ssh-session.js';

export interface SshGatewayDeps {
  readonly hostKey: HostKey;
  readonly runtime: Runtime;
  readonly events: WorkspaceEvents;
  /** The workspace's current state, to end sessions when it stops. */
  readonly stateOf: (workspaceId: string) => Promise<string | undefined>;
  readonly activity: ActivitySink;
  readonly logger: Logger;
}

/** One target workspace with its name, as messages to the user name it. */
export interface SshTarget extends ExecTarget {
  readonly name: string;
}

export class SshGateway {
  readonly #d: SshGatewayDeps;

  constructor(deps: SshGatewayDeps) {
    this.#d = deps;
  }

  /** The host key clients should expect (`ssh-ed25519 AAAA…`). */
  get publicKey(): string {
    return this.#d.hostKey.publicKey;
  }

  /** Speaks SSH on `socket` until either side ends it; every channel runs in `target`. */
  serve(socket: Duplex, target: SshTarget): void {
    // A server object per connection, so the connection handler knows its target; it never listens.
    const server = new ssh2.Server({ hostKeys: [this.#d.hostKey.privateKey], ident: 'Hearth' });
    server.on('connection', (conn: Connection) => this.#connection(conn, socket, target));
    server.on('error', () => socket.destroy());
    // The peer's end of input is the end of the connection (SSH has no half-close). Without this, a
    // client that vanished without a close frame (a killed ssh) left the stream, and with it the
    // session's activity, open forever.
    socket.once('end', () => socket.destroy());
    server.injectSocket(socket as Socket);
  }

  #connection(conn: Connection, socket: Duplex, target: SshTarget): void {
    const log = this.#d.logger.child({ component: 'ssh', workspaceId: target.workspaceId });
    const sessions = new Set<SshSession>();
    const release = this.#d.activity.sessionOpened(target.workspaceId, 'ssh');
    let closed = false;
    const unsubscribe = this.#d.events.subscribe(target.workspaceId, {
      changed: () =>
        void this.#d.stateOf(target.workspaceId).then((state) => {
          if (closed || state === 'running') return;
          const message = `hearth: workspace ${target.name} is ${state ?? 'gone'}; the session is closed`;
          log.info({ state }, 'workspace left running: closing ssh connection');
          for (const session of sessions) session.abort(message);
          conn.end();
        }),
    });
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      release();
      for (const session of sessions) session.abort();
    };
    socket.once('close', close);
    conn.on('close', close);
    conn.on('error', (error) => log.debug({ err: error }, 'ssh connection error'));
    conn.on('authentication', (ctx) => ctx.accept());
    conn.on('session', (accept) => {
      const session = new SshSession(accept(), { runtime: this.#d.runtime, target, log });
      sessions.add(session);
      session.closed.then(() => sessions.delete(session));
    });
    conn.on(
      'tcpip',
      (accept, reject, info) =>
        void openForward(this.#d.runtime, target, info, log).then(
          (forward) => forward.attach(accept() as ServerChannel),
          (error: Error) => {
            log.info({ err: error, host: info.destIP, port: info.destPort }, 'port forward refused');
            reject();
          },
        ),
    );
    // Remote forwarding (ssh -R) and unix sockets are not offered: the gateway cannot listen in a workspace.
    conn.on('request', (_accept, reject) => reject?.());
    conn.on('openssh.streamlocal', (_accept, reject) => reject());
  }
}
