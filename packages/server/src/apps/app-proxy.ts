/**
 * The app origins' front door: every request whose Host is an app host comes here and never
 * reaches the API. Hearth's own paths (`/.hearth/…`: sign-in, start) are answered here; anything
 * else is authorized by the app host's own session cookie and proxied, HTTP/1.1 with keep-alive,
 * through forwarder execs to the port on the workspace's own loopback. Responses stream as they
 * come (SSE included); WebSocket upgrades become a raw byte pipe.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HearthError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { ActivitySink } from '../ports/activity.js';
import type { Logger } from '../ports/logger.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { isHearthAuthorization, signInPath, withoutHearthCookies } from './app-cookies.js';
import { exchange, HOP_BY_HOP } from './app-exchange.js';
import { APP_COOKIE } from './app-sessions.js';
import { type AppService, type ResolvedApp, targetOf } from './apps-service.js';
import type { ForwardAgents } from './forward-agent.js';
import { notFoundPage, stoppedPage } from './pages.js';
import { type TlsForwardAgents, upstreamFor } from './tls-forward-agents.js';

export interface AppProxyDeps {
  readonly apps: Pick<AppService, 'forget' | 'mayOpen' | 'origin' | 'resolve' | 'resolvedNow' | 'sessions'>;
  readonly agents: ForwardAgents;
  readonly tlsAgents: TlsForwardAgents;
  readonly activity: ActivitySink;
  readonly workspaces: Pick<WorkspaceService, 'start'>;
  /** The main origin, where `/api/v1/apps/auth` signs people in. */
  readonly accessUrl: () => string;
  readonly logger: Logger;
}

type Admission =
  | { ok: true; resolved: ResolvedApp; viewer: Actor | undefined; sessionId: string | undefined }
  | { ok: false; status: 302 | 404; location?: string };

export class AppProxy {
  readonly #d: AppProxyDeps;
  readonly #log: Logger;
  /** Workspaces each client connection has used: it counts as activity in each while it is open. */
  readonly #inUse = new WeakMap<object, Set<string>>();
  /** Upgraded connections by the app session that opened them, closed when it ends. */
  readonly #upgraded = new Map<string, Set<Duplex>>();

  constructor(deps: AppProxyDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'app-proxy' });
    deps.apps.sessions.onEnded((id) => {
      for (const socket of this.#upgraded.get(id) ?? []) socket.destroy();
      this.#upgraded.delete(id);
    });
  }

  request(label: string, req: IncomingMessage, res: ServerResponse): void {
    const failed = (error: unknown) => {
      this.#log.error({ err: error }, 'app request failed');
      if (!res.headersSent) send(res, 502, 'text/plain', 'hearth: the app proxy failed\n');
      else res.destroy();
    };
    try {
      this.#handle(label, req, res)?.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  upgrade(label: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#upgrade(label, req, socket, head).catch((error) => {
      this.#log.debug({ err: error }, 'app upgrade failed');
      socket.destroy();
    });
  }

  async #admit(label: string, req: IncomingMessage): Promise<Admission> {
    return this.#decide(req, await this.#d.apps.resolve(label));
  }

  /** Whether the request's viewer may open what its host resolved to (`resolved`). */
  #decide(req: IncomingMessage, resolved: ResolvedApp | undefined): Admission {
    const host = (req.headers.host ?? '').toLowerCase();
    const sessionId = cookie(req.headers.cookie, APP_COOKIE);
    const viewer = this.#d.apps.sessions.viewer(sessionId, host);
    if (resolved && resolved.host === host && this.#d.apps.mayOpen(resolved, viewer))
      return { ok: true, resolved, viewer, sessionId };
    // Signed out: sign in first, whether or not it exists (so the answer does not tell).
    if (!viewer) {
      const back = `${this.#d.apps.origin.scheme}://${host}${req.url ?? '/'}`;
      return {
        ok: false,
        status: 302,
        location: `${this.#d.accessUrl()}/api/v1/apps/auth?redirect=${encodeURIComponent(back)}`,
      };
    }
    return { ok: false, status: 404 };
  }

  /**
   * Answers one request. The app's resolution is nearly always at hand (a page's requests come
   * close together): the request is then admitted and sent on in this turn, with no promise to
   * wait for; only a lookup of the database makes it asynchronous.
   */
  #handle(label: string, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    // Hearth's own paths all contain `.hearth` (the URL parser decodes no escape into it): other
    // requests, nearly all of them, need no parsed URL.
    const url = req.url?.includes('.hearth') ? new URL(req.url, 'http://app') : undefined;
    if (url?.pathname === '/.hearth/auth') return void this.#signIn(req, res, url);
    const now = this.#d.apps.resolvedNow(label);
    if (now) return this.#answer(req, res, url, this.#decide(req, now.app));
    return this.#admit(label, req).then((admitted) => this.#answer(req, res, url, admitted));
  }

  #answer(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL | undefined,
    admitted: Admission,
  ): Promise<void> | undefined {
    if (!admitted.ok) {
      req.resume();
      if (admitted.status === 302) {
        res.writeHead(302, { location: admitted.location!, 'cache-control': 'no-store' });
        return void res.end();
      }
      return void send(res, 404, 'text/html; charset=utf-8', notFoundPage());
    }
    const { resolved, viewer } = admitted;
    const ws = resolved.workspace;
    if (url?.pathname === '/.hearth/start' && req.method === 'POST')
      return this.#start(req, res, resolved, viewer);
    if (ws.state !== 'running' || !ws.container_id) {
      req.resume();
      return void send(
        res,
        503,
        'text/html; charset=utf-8',
        stoppedPage(ws.name, ws.owner, ws.state, viewer?.id === ws.owner_id),
      );
    }
    this.#countActivity(req, ws.id);
    const pool = upstreamFor(this.#d, resolved.app?.scheme).pool(targetOf(ws), resolved.port);
    exchange(pool, req, res, forwardHeaders(req, this.#d.apps.origin.scheme), (error) => {
      // Perhaps the workspace stopped a moment ago: the next request looks it up afresh.
      this.#d.apps.forget();
      send(
        res,
        502,
        'text/plain; charset=utf-8',
        `hearth: nothing answered on port ${resolved.port} in workspace ${ws.name}: ${error.message}\n`,
      );
    });
    return undefined;
  }

  async #upgrade(label: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const admitted = await this.#admit(label, req);
    if (!admitted.ok) {
      socket.end(
        `HTTP/1.1 ${admitted.status === 302 ? '401 Unauthorized' : '404 Not Found'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    const ws = admitted.resolved.workspace;
    if (ws.state !== 'running' || !ws.container_id) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = await upstreamFor(this.#d, admitted.resolved.app?.scheme)
      .connect(targetOf(ws), admitted.resolved.port)
      .catch((error: Error) => {
        socket.end(
          `HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\nhearth: ${error.message}\n`,
        );
        return undefined;
      });
    if (!upstream) return;
    const release = this.#d.activity.sessionOpened(ws.id, 'app');
    const sessionId = admitted.sessionId;
    if (sessionId) {
      const set = this.#upgraded.get(sessionId) ?? new Set();
      set.add(socket);
      this.#upgraded.set(sessionId, set);
    }
    const headers = forwardHeaders(req, this.#d.apps.origin.scheme, true);
    let head0 = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) head0 += `${headers[i]}: ${headers[i + 1]}\r\n`;
    upstream.write(`${head0}\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
    const done = () => {
      release();
      if (sessionId) this.#upgraded.get(sessionId)?.delete(socket);
      socket.destroy();
      upstream.destroy();
    };
    socket.once('close', done);
    upstream.once('close', done);
    socket.on('error', done);
    upstream.on('error', done);
  }

  /** `/.hearth/auth?ticket=…&path=…`: the ticket from the main origin becomes this host's session cookie. */
  #signIn(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.resume();
    const host = (req.headers.host ?? '').toLowerCase();
    const id = this.#d.apps.sessions.redeem(url.searchParams.get('ticket') ?? '', host);
    if (!id) {
      send(res, 404, 'text/html; charset=utf-8', notFoundPage());
      return;
    }
    const path = url.searchParams.get('path') ?? '/';
    const secure = this.#d.apps.origin.scheme === 'https' ? '; Secure' : '';
    res.writeHead(302, {
      // Host-only (no Domain): no other app host and not the main origin ever receives it.
      'set-cookie': `${APP_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure}`,
      location: signInPath(path),
      'cache-control': 'no-store',
    });
    res.end();
  }

  /** The stopped page's button: starts the workspace as the signed-in viewer (owners and admins may). */
  async #start(
    req: IncomingMessage,
    res: ServerResponse,
    resolved: ResolvedApp,
    viewer: Actor | undefined,
  ): Promise<void> {
    req.resume();
    const ws = resolved.workspace;
    if (!viewer) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
    try {
      await this.#d.workspaces.start(viewer, ws.owner, ws.name);
    } catch (error) {
      const message = error instanceof HearthError ? error.message : 'the workspace could not be started';
      return send(res, 409, 'text/plain; charset=utf-8', `hearth: ${message}\n`);
    }
    res.writeHead(303, { location: '/', 'cache-control': 'no-store' });
    res.end();
  }

  #countActivity(req: IncomingMessage, workspaceId: string): void {
    const socket = req.socket;
    let used = this.#inUse.get(socket);
    if (!used) {
      used = new Set();
      this.#inUse.set(socket, used);
    }
    if (used.has(workspaceId)) return;
    used.add(workspaceId);
    const release = this.#d.activity.sessionOpened(workspaceId, 'app');
    socket.once('close', release);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** The value of cookie `name` in a Cookie header. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The request's headers as the app should see them, as name, value, name, value…: Hearth's
 * cookies and tokens removed (the app never sees them, app-cookies.ts), a client's X-Forwarded-User dropped, hop-by-hop headers dropped (kept for an upgrade,
 * which needs them), and the usual X-Forwarded-* added. Read from the raw headers, in the client's
 * order and spelling, with no header object built; Host only once, the one that was authorized.
 */
function forwardHeaders(req: IncomingMessage, scheme: string, upgrade = false): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  let priorFor = '';
  let host = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if ((!upgrade && HOP_BY_HOP.has(lower)) || lower === 'expect') continue;
    if (lower === 'cookie') {
      const kept = withoutHearthCookies(value);
      if (kept) out.push(name, kept);
    } else if ((lower === 'authorization' && isHearthAuthorization(value)) || lower === 'x-forwarded-user') {
      // A Hearth token is for Hearth, not for the app's owner; and no client says who it is.
    } else if (lower === 'host') {
      if (!host) out.push(name, value);
      host = true;
    } else if (lower === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${value}` : value;
    else if (lower !== 'x-forwarded-host' && lower !== 'x-forwarded-proto') out.push(name, value);
  }
  const remote = req.socket.remoteAddress;
  const forwardedFor = priorFor && remote ? `${priorFor}, ${remote}` : priorFor || remote || '';
  out.push(
    'x-forwarded-for',
    forwardedFor,
    'x-forwarded-host',
    req.headers.host ?? '',
    'x-forwarded-proto',
    scheme,
  );
  return out;
}
