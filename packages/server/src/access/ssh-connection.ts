/**
 * One admitted SSH connection, however it came in (the WebSocket tunnel or the SSH listener):
 * every session, sftp subsystem and port forward runs in its target workspace; it counts as
 * activity while open; and it ends, telling open sessions why, when the workspace leaves
 * `running`, when what let it in stops being valid (credential-watch.ts), or at shutdown.
 */
import type { Duplex } from 'node:stream';
import type { Connection, ServerChannel } from 'ssh2';
import type { Logger } from '../ports/logger.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import { type CredentialWatchDeps, watchCredential } from './credential-watch.js';
import { type SessionEntry, sessionClosedWhy } from './session-entry.js';
import type { SessionTarget } from './session-target.js';
import { openForward } from './ssh-forward.js';
import type { SshGrant } from './ssh-grant.js';
import { SshSession } from './ssh-session.js';

/** How long sessions being ended get to close before the connection goes regardless. */
const END_GRACE_MS = 2_000;
export interface SshConnectionDeps extends CredentialWatchDeps {
  /** Where every channel's process starts, the connection counts as activity, and access is asked again. */
  readonly sessions: Pick<SessionEntry, 'open' | 'hold' | 'mayEnter'>;
  readonly events: WorkspaceEvents;
  /** The workspace's current state, to end sessions when it stops. */
  readonly stateOf: (workspaceId: string) => Promise<string | undefined>;
  readonly logger: Logger;
}

export class SshConnection {
  readonly grant: SshGrant;
  /** Resolves once the connection has closed. */
  readonly closed: Promise<void>;
  readonly #conn: Connection;
  readonly #sessions = new Set<SshSession>();
  readonly #log: Logger;

  constructor(
    conn: Connection,
    socket: Duplex,
    admitted: { grant: SshGrant; target: SessionTarget },
    d: SshConnectionDeps,
  ) {
    const { target } = admitted;
    this.grant = admitted.grant;
    this.#conn = conn;
    const log = d.logger.child({ component: 'ssh', workspaceId: target.workspaceId });
    this.#log = log;
    const release = d.sessions.hold(target, 'ssh');
    let closed = false;
    const unsubscribe = d.events.subscribe(target.workspaceId, {
      changed: () =>
        void d.stateOf(target.workspaceId).then((state) => {
          if (closed || state === 'running') return;
          log.info({ state }, 'workspace left running: closing ssh connection');
          void this.end(`hearth: ${sessionClosedWhy(target.name, state)}`);
        }),
    });
    this.closed = new Promise((resolve) => {
      const close = () => {
        if (closed) return;
        closed = true;
        unwatch();
        unsubscribe();
        release();
        for (const session of this.#sessions) session.abort();
        resolve();
      };
      socket.once('close', close);
      conn.on('close', close);
    });
    // Revoking (or letting expire) what let the connection in ends it, telling sessions why.
    const unwatch = watchCredential(
      d,
      this.grant,
      () => d.sessions.mayEnter(this.grant.userId, target.workspaceId),
      (message) => void this.end(message),
    );
    conn.on('session', (accept) => {
      const session = new SshSession(accept(), { sessions: d.sessions, target, log });
      this.#sessions.add(session);
      session.closed.then(() => this.#sessions.delete(session));
    });
    conn.on(
      'tcpip',
      (accept, reject, info) =>
        void openForward(d.sessions, target, info, log).then(
          (forward) => forward.attach(accept() as ServerChannel),
          (error: Error) => {
            log.info({ err: error, host: info.destIP, port: info.destPort }, 'port forward refused');
            reject();
          },
        ),
    );
    refuseTheRest(conn);
  }

  /**
   * Ends the connection from our side; every open session prints `message` on stderr first.
   * Resolves once the connection has closed.
   */
  end(message: string): Promise<void> {
    this.#log.info({ reason: message }, 'closing ssh connection');
    const sessions = [...this.#sessions];
    for (const session of sessions) session.abort(message);
    // The sessions close before the connection does: OpenSSH exits on a disconnect at once,
    // dropping session output it has received but not yet printed (the message included).
    const cutOff = setTimeout(() => this.#conn.end(), END_GRACE_MS);
    void Promise.all(sessions.map((s) => s.closed)).then(() => {
      clearTimeout(cutOff);
      this.#conn.end();
    });
    return this.closed;
  }
}

/**
 * A connection that authenticated but may not enter the workspace it asked for (none such, not
 * the owner, stopped): each session prints `message` on stderr and exits 255, like ssh does when
 * it cannot connect, and the connection ends with it. Port forwards are refused.
 */
export function refuseConnection(conn: Connection, message: string): void {
  conn.on('session', (accept) => {
    const session = accept();
    const answer = (accept: () => ServerChannel) => {
      const channel = accept();
      channel.once('close', () => conn.end());
      channel.stderr.write(`${message}\r\n`);
      channel.exit(255);
      channel.end();
    };
    session.on('pty', (accept) => accept?.());
    session.on('env', (accept) => accept?.());
    session.on('shell', answer);
    session.on('exec', (accept) => answer(accept));
    session.on('subsystem', (accept) => answer(accept));
  });
  conn.on('tcpip', (_accept, reject) => reject());
  refuseTheRest(conn);
}

/** Remote forwarding (ssh -R) and unix sockets are not offered: the gateway cannot listen in a workspace. */
function refuseTheRest(conn: Connection): void {
  conn.on('request', (_accept, reject) => reject?.());
  conn.on('openssh.streamlocal', (_accept, reject) => reject());
}
