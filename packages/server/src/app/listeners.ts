/**
 * The server's three listeners: HTTP (API, dashboard, app hosts), the optional plain SSH port, and
 * the unix socket workspaces mount. They open in that order; a failure closes what opened before it.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SshGateway } from '../access/ssh-gateway.js';
import { SERVER_SOCKET } from '../core/secrets.js';
import { clientErrorHandler } from '../http/errors.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

export const listenUrl = (host: string, port: number): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

export interface Listening {
  /** The port the HTTP listener bound. */
  readonly port: number;
  /** `host:port` of the plain SSH listener, when `--ssh-listen` asked for one. */
  readonly sshAddress: string | undefined;
  readonly unixServer: Server;
}

/** Opens every listener; on a failure, closes those already open and calls `abandon` before throwing. */
export async function listenAll(
  config: Config,
  app: FastifyInstance,
  ssh: SshGateway,
  socketDir: string,
  abandon: () => Promise<void>,
): Promise<Listening> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await abandon();
    throw listenError(error, `${config.host}:${config.port}`, '--listen', '');
  }
  let sshAddress: string | undefined;
  if (config.sshListen) {
    const { host, port } = config.sshListen;
    try {
      const bound = await ssh.listen(host, port);
      sshAddress = `${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
    } catch (error) {
      await app.close();
      await abandon();
      throw listenError(error, `${host}:${port}`, '--ssh-listen', ' for SSH');
    }
  }
  let unixServer: Server;
  try {
    unixServer = await listenOnSocket(app, socketDir);
  } catch (error) {
    await ssh.close();
    await app.close();
    await abandon();
    throw new StartupError(`cannot listen on ${join(socketDir, SERVER_SOCKET)}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { port, sshAddress, unixServer };
}

function listenError(error: unknown, address: string, flag: string, what: string): StartupError {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
    return new StartupError(
      `${address} is already in use: stop what listens there or choose another with ${flag}`,
    );
  return new StartupError(`cannot listen${what} on ${address}: ${(error as Error).message}`);
}

/**
 * Serves the same API on `<socketDir>/hearth.sock`, the directory workspaces mount: they reach the
 * server without any container network. The socket is world-writable; every request still needs a token.
 */
async function listenOnSocket(app: FastifyInstance, socketDir: string): Promise<Server> {
  mkdirSync(socketDir, { recursive: true, mode: 0o755 });
  chmodSync(socketDir, 0o755);
  const path = join(socketDir, SERVER_SOCKET);
  rmSync(path, { force: true });
  const server = createServer((req, res) => app.server.emit('request', req, res));
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  server.on('clientError', clientErrorHandler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o666);
  return server;
}
