import type { Duplex } from 'node:stream';
import type { ExecStart } from '../api/events.js';
import { paths } from '../routes.js';
import { HearthApiClient, type HearthClientOptions } from './api-client.js';
import type { ExecIo } from './exec.js';
import { toWebSocketUrl } from './exec-frames.js';
import { apiUrl, baseHeaders } from './http.js';
import { httpRequest } from './request.js';

/**
 * The Node client: everything {@link HearthApiClient} does, over a TCP or `unix://` URL (through
 * node:http, see `request.ts`), plus exec and the SSH tunnel, which need Node's sockets.
 */
export class HearthClient extends HearthApiClient {
  constructor(options: HearthClientOptions) {
    const baseUrl = options.url.replace(/\/+$/, '');
    super({ ...options, fetch: options.fetch ?? ((url, init) => httpRequest(baseUrl, url, init)) });
  }

  /** Runs a command in a running workspace; resolves with its exit code. See `api/events.ts` for the protocol. */
  async exec(user: string, name: string, start: ExecStart, io: ExecIo): Promise<number> {
    const url = toWebSocketUrl(apiUrl(this.transport.baseUrl, paths.exec(user, name)));
    // Loaded on first use: the `ws` package costs every other command's start-up (bench/cli-start.js).
    const { runExec } = await import('./exec.js');
    return runExec(
      { url, headers: baseHeaders(this.transport), serverUrl: this.transport.baseUrl },
      start,
      io,
    );
  }

  /** A byte stream carrying one SSH connection to a running workspace (see `api/access.ts`). */
  async openSshTunnel(user: string, name: string): Promise<Duplex> {
    // Loaded on first use, like exec: node:crypto and the framing cost every other command's start-up.
    const { openSshTunnel } = await import('./tunnel.js');
    return openSshTunnel(this.transport, user, name);
  }
}
