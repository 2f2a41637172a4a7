/**
 * Authentication: every route in an authenticated scope gets `request.actor`, or the request is
 * answered 401 before the handler runs.
 */

import { API_PREFIX } from '@hearth/sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type RouteCall, scopeRefusal, workspaceTokenAllows } from '../core/token-scope.js';
import { HearthError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { SessionService } from '../identity/session-service.js';
import { sessionCookie } from './browser/session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export const bearerToken = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && value ? value.trim() : undefined;
};

/**
 * Who is trying to log in, for rate limiting: the client address; on the unix socket, which every
 * workspace shares, the workspace whose token the request carries (the in-workspace CLI sends it),
 * so that one workspace cannot slow down the logins of the others.
 */
export async function loginSource(
  request: FastifyRequest,
  sessions: Pick<SessionService, 'authenticate'>,
): Promise<string> {
  const address = request.socket.remoteAddress;
  const secret = bearerToken(request);
  const workspace = secret && (await sessions.authenticate(secret).catch(() => undefined))?.workspace;
  if (workspace) return `workspace:${workspace.id}`;
  return address ? `ip:${address}` : 'unix';
}

/**
 * Shared on purpose (fastify-plugin): the hook applies to the scope that registers it. It is also
 * the one place a credential's scope is enforced: a workspace token is refused, before any
 * handler runs, on every route core/token-scope.ts does not allow it.
 */
export const authenticate = fp(
  async (app: FastifyInstance, opts: { sessions: Pick<SessionService, 'authenticate'> }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      const actor = await opts.sessions.authenticate(bearerToken(request) ?? sessionCookie(request));
      if (actor.workspace) {
        const call = routeCall(request);
        if (!workspaceTokenAllows(call, actor.workspace))
          throw new HearthError('token_scope', scopeRefusal(call, actor.workspace));
      }
      request.actor = actor;
    });
  },
);

function routeCall(request: FastifyRequest): RouteCall {
  const url = request.routeOptions.url ?? '';
  return {
    method: request.method,
    route: url.startsWith(API_PREFIX) ? url.slice(API_PREFIX.length) : url,
    params: request.params as Record<string, string | undefined>,
  };
}

/** The authenticated actor of a request in an authenticated scope. */
export const actorOf = (request: FastifyRequest): Actor => request.actor!;
