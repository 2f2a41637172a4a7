import type Docker from 'dockerode';

/** Where the Docker engine listens. With neither field set, the local default socket. */
export interface DockerEndpointOptions {
  /** Path of the engine's unix socket, e.g. `/var/run/docker.sock`. Wins over `host`. */
  readonly socketPath?: string;
  /** A `DOCKER_HOST`-style address: `unix:///path/to/docker.sock` or `tcp://host:port` (plain HTTP). */
  readonly host?: string;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const DEFAULT_TCP_PORT = 2375;

/**
 * Resolves endpoint options into dockerode connection options, plus a description for error messages.
 * Explicit so that dockerode never falls back to reading `DOCKER_HOST` itself: config is read in one place.
 */
export function resolveEndpoint(options: DockerEndpointOptions): {
  modem: Docker.DockerOptions;
  describe: string;
} {
  if (options.socketPath) return { modem: { socketPath: options.socketPath }, describe: options.socketPath };
  const host = options.host ?? `unix://${DEFAULT_SOCKET}`;
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`docker host ${host}: expected unix:///absolute/path`);
    return { modem: { socketPath }, describe: host };
  }
  if (host.startsWith('tcp://')) {
    const url = new URL(`http://${host.slice('tcp://'.length)}`);
    const port = url.port === '' ? DEFAULT_TCP_PORT : Number(url.port);
    return { modem: { protocol: 'http', host: url.hostname, port }, describe: host };
  }
  throw new Error(`docker host ${host}: expected unix:// or tcp://`);
}
