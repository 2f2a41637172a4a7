import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import type Docker from 'dockerode';

/** Where the Docker engine listens. With neither field set, the local default socket. */
export interface DockerEndpointOptions {
  /** Path of the engine's unix socket, e.g. `/var/run/docker.sock`. Wins over `host`. */
  readonly socketPath?: string;
  /** A `DOCKER_HOST`-style address: `unix:///path/to/docker.sock` or `tcp://host:port` (plain HTTP). */
  readonly host?: string;
  /** TLS to a `tcp://` engine (ignored for unix sockets). */
  readonly tls?: DockerTls;
}

/**
 * TLS as the docker CLI's `--tlsverify`, `--tlscacert`, `--tlscert`, `--tlskey`: files on this server.
 * `verify` checks the engine's certificate against `ca` (which it then needs); without it the
 * connection is encrypted but the engine is not authenticated. `cert` and `key` go together.
 */
export interface DockerTls {
  readonly verify: boolean;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

/** Whether `tls` asks for TLS at all. */
export const usesTls = (tls: DockerTls | undefined): tls is DockerTls =>
  !!tls && (tls.verify || !!tls.ca || !!tls.cert || !!tls.key);

/** Why these TLS settings cannot work, or undefined when they can (the files are not read). */
export function tlsProblem(host: string, tls: DockerTls | undefined): string | undefined {
  if (!usesTls(tls)) return undefined;
  if (!host.startsWith('tcp://')) return 'TLS settings apply to tcp:// engines only';
  if (tls.verify && !tls.ca)
    return '--tls-verify needs --tls-ca: the CA certificate to check the engine against';
  if (!!tls.cert !== !!tls.key) return '--tls-cert and --tls-key go together: give both or neither';
  return undefined;
}

function readTlsFile(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `docker TLS ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function tlsModem(tls: DockerTls): Docker.DockerOptions {
  return {
    protocol: 'https',
    ...(tls.ca ? { ca: readTlsFile('CA', tls.ca) } : {}),
    ...(tls.cert ? { cert: readTlsFile('certificate', tls.cert) } : {}),
    ...(tls.key ? { key: readTlsFile('key', tls.key) } : {}),
    // Encrypted without authenticating the engine: what the docker CLI's --tls without --tlsverify does.
    ...(tls.verify ? {} : { agent: new Agent({ rejectUnauthorized: false }) }),
  };
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
  const problem = tlsProblem(host, options.tls);
  if (problem) throw new Error(`docker host ${host}: ${problem}`);
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`docker host ${host}: expected unix:///absolute/path`);
    return { modem: { socketPath }, describe: host };
  }
  if (host.startsWith('tcp://')) {
    const url = new URL(`http://${host.slice('tcp://'.length)}`);
    const port = url.port === '' ? DEFAULT_TCP_PORT : Number(url.port);
    const transport = usesTls(options.tls) ? tlsModem(options.tls) : { protocol: 'http' as const };
    return { modem: { ...transport, host: url.hostname, port }, describe: host };
  }
  throw new Error(`docker host ${host}: expected unix:// or tcp://`);
}
