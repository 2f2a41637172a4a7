/**
 * The SSH gateway: terminates SSH (ssh2) and maps each channel onto an engine exec in one
 * workspace: sessions (pty, env, shell, exec, window-change), the sftp subsystem, and direct-tcpip
 * forwards. Connections come in two ways and are handled alike once admitted (ssh-connection.ts):
 *
 * - the WebSocket tunnel ({@link SshGateway.serve}): the HTTP layer has already authenticated the
 *   bearer token and chosen the workspace, so SSH authentication accepts anyone;
 * - the plain SSH listener ({@link SshGateway.listen}, `--ssh-listen`): public keys only, the SSH
 *   user names the workspace (ssh-login.ts).
 *
 * Every admitted connection remembers the credential that let it in; when that is revoked (a
 * token, a login session, a workspace's token, an SSH key, the whole user by suspension, or access
 * by a membership change) the connection ends (credential-watch.ts).
 */
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type AuthContext, type Connection } from 'ssh2';
import type { Logger } from '../ports/logger.js';
import { gatherWrites } from './gathered-writes.js';
import type { HostKey } from './host-key.js';
import type { SessionEntry } from './session-entry.js';
import type { SessionTarget } from './session-target.js';
import type { SshAdmission } from './ssh-admission.js';
import { refuseConnection, SshConnection, type SshConnectionDeps } from './ssh-connection.js';
import type { SshGrant } from './ssh-grant.js';
import { decideLogin, type LoginDecision, type SshLoginDeps } from './ssh-login.js';

export interface SshGatewayDeps extends SshConnectionDeps, SshLoginDeps {
  readonly sessions: SessionEntry;
  readonly hostKey: HostKey;
  readonly logger: Logger;
}

/** How long a connection may take to authenticate, as OpenSSH's LoginGraceTime. */
const LOGIN_GRACE_MS = 60_000;
/** Failed authentication attempts a connection gets before it is dropped. */
const MAX_AUTH_FAILURES = 10;
/** How long shutdown waits for connections to close after saying goodbye. */
const CLOSE_GRACE_MS = 3_000;

export class SshGateway {
  readonly #d: SshGatewayDeps;
  readonly #log: Logger;
  readonly #open = new Set<SshConnection>();
  #listener: { server: Server; sockets: Set<Socket> } | undefined;

  constructor(deps: SshGatewayDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'ssh' });
  }

  /** The host key clients should expect (`ssh-ed25519 AAAA…`). */
  get publicKey(): string {
    return this.#d.hostKey.publicKey;
  }

  /** Speaks SSH on an already authorized tunnel until either side ends it; every channel runs in `target`. */
  serve(socket: Duplex, admitted: { grant: SshGrant; target: SessionTarget }): void {
    const decision: LoginDecision = { kind: 'admit', admission: admitted };
    this.#accept(socket, async () => decision);
  }

  /** Listens for plain SSH on `host`:`port` (0 picks a free port); resolves with the bound address. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', (error) => this.#log.debug({ err: error }, 'ssh socket error'));
      socket.setNoDelay(true);
      this.#accept(socket, (ctx) => decideLogin(ctx, this.#d));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.#log.error({ err: error }, 'ssh listener failed'));
    this.#listener = { server, sockets };
    return server.address() as AddressInfo;
  }

  /** Stops listening and ends every connection, telling open sessions the server is going away. */
  async close(): Promise<void> {
    const listener = this.#listener;
    const stopped = new Promise((resolve) =>
      listener ? listener.server.close(resolve) : resolve(undefined),
    );
    const ended = [...this.#open].map((connection) =>
      connection.end('hearth: the Hearth server is shutting down; the session is closed'),
    );
    let cutOff: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([stopped, ...ended]),
      new Promise((resolve) => {
        cutOff = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(cutOff);
    // Whatever is left (a client that does not hang up, one still authenticating) is cut.
    for (const socket of listener?.sockets ?? []) socket.destroy();
  }

  /** Runs SSH on `socket`, admitting it as `authenticate` decides, then as an {@link SshConnection}. */
  #accept(socket: Duplex, authenticate: (ctx: AuthContext) => Promise<LoginDecision>): void {
    // A server object per connection, so the connection handler knows its socket; it never listens.
    const server = new ssh2.Server({ hostKeys: [this.#d.hostKey.privateKey], ident: 'Hearth' });
    server.on('connection', (conn: Connection) => this.#connection(conn, socket, authenticate));
    server.on('error', () => socket.destroy());
    // The peer's end of input is the end of the connection (SSH has no half-close). Without this, a
    // client that vanished without a close frame (a killed ssh) left the stream, and with it the
    // session's activity, open forever.
    socket.once('end', () => socket.destroy());
    // A WebSocket tunnel gathers its frames itself (tunnel-stream.ts).
    if (socket instanceof Socket) gatherWrites(socket);
    server.injectSocket(socket as Socket);
  }

  #connection(
    conn: Connection,
    socket: Duplex,
    authenticate: (ctx: AuthContext) => Promise<LoginDecision>,
  ): void {
    let admission: SshAdmission | undefined;
    let failures = 0;
    const grace = setTimeout(() => conn.end(), LOGIN_GRACE_MS);
    grace.unref();
    conn.on('error', (error) => this.#log.debug({ err: error }, 'ssh connection error'));
    conn.on('close', () => clearTimeout(grace));
    conn.on('authentication', (ctx) => {
      const reject = () => {
        if (++failures > MAX_AUTH_FAILURES) return conn.end();
        ctx.reject(['publickey']);
      };
      authenticate(ctx).then(
        (decision) => {
          if (decision.kind === 'reject') return reject();
          if (decision.kind === 'admit') admission = decision.admission;
          ctx.accept();
        },
        (error: Error) => {
          this.#log.error({ err: error }, 'ssh authentication failed');
          reject();
        },
      );
    });
    conn.once('ready', () => {
      clearTimeout(grace);
      if (!admission) return conn.end();
      if ('refusal' in admission) {
        this.#log.info({ userId: admission.grant.userId, reason: admission.refusal }, 'ssh login refused');
        return refuseConnection(conn, admission.refusal);
      }
      const connection = new SshConnection(conn, socket, admission, this.#d);
      this.#open.add(connection);
      void connection.closed.then(() => this.#open.delete(connection));
    });
  }
}
