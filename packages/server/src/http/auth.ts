/**
 * Authentication: every route in an authenticated scope gets `request.actor`, or the request is
 * answered 401 before the handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, IdentityService } from '../services/identity.js';
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

/** Shared on purpose (fastify-plugin): the hook applies to the scope that registers it. */
export const authenticate = fp(async (app: FastifyInstance, opts: { identity: IdentityService }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    request.actor = await opts.identity.authenticate(bearerToken(request) ?? sessionCookie(request));
  });
});

/** The authenticated actor of a request in an authenticated scope. */
export const actorOf = (request: FastifyRequest): Actor => request.actor!;
