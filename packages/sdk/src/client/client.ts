import type { Duplex } from 'node:stream';
import type { ExecStart } from '../api/events.js';
import { paths } from '../routes.js';
import { HearthApiClient, type HearthClientOptions } from './api-client.js';
import { type ExecIo, runExec } from './exec.js';
import { toWebSocketUrl } from './exec-frames.js';
import { apiUrl, baseHeaders } from './http.js';
import { openSshTunnel } from './tunnel.js';
import { nodeFetcher } from './unix.js';

/**
 * The Node client: everything {@link HearthApiClient} does, over a TCP or `unix://` URL, plus exec
 * and the SSH tunnel, which need Node's sockets.
 */
export class HearthClient extends HearthApiClient {
  constructor(options: HearthClientOptions) {
    super({ ...options, fetch: options.fetch ?? nodeFetcher(options.url) });
  }

  /** Runs a command in a running workspace; resolves with its exit code. See `api/events.ts` for the protocol. */
  exec(user: string, name: string, start: ExecStart, io: ExecIo): Promise<number> {
    const url = toWebSocketUrl(apiUrl(this.transport.baseUrl, paths.exec(user, name)));
    return runExec(
      { url, headers: baseHeaders(this.transport), serverUrl: this.transport.baseUrl },
      start,
      io,
    );
  }

  /** A byte stream carrying one SSH connection to a running workspace (see `api/access.ts`). */
  openSshTunnel(user: string, name: string): Promise<Duplex> {
    return openSshTunnel(this.transport, user, name);
  }
}
