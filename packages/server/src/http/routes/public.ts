/**
 * Routes that need no token: health, first-time setup, login.
 */
import { LoginRequest, paths, SessionResponse, SetupRequest, SetupStatus } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { loginSource } from '../auth.js';
import { clientSignal } from '../client-signal.js';
import type { Services } from '../context.js';
import { REQUEST_TURNS } from '../request-turns.js';

export async function publicRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'sessions' | 'users' | 'version'>,
): Promise<void> {
  app.get(
    paths.health(),
    {
      schema: {
        tags: ['meta'],
        summary: 'Liveness and version',
        response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: s.version,
    }),
  );

  app.get(
    paths.setup(),
    {
      schema: {
        tags: ['identity'],
        summary: 'Whether first-time setup is still needed',
        response: { 200: SetupStatus },
      },
    },
    async () => ({
      setupRequired: await s.users.setupRequired(),
    }),
  );

  app.post<{ Body: SetupRequest }>(
    paths.setup(),
    {
      schema: {
        tags: ['identity'],
        summary: 'Create the first user (site admin) and the org "default"; only once',
        body: SetupRequest,
        response: { 201: SessionResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await s.sessions.setup(request.body)),
  );

  app.post<{ Body: LoginRequest }>(
    paths.login(),
    {
      schema: {
        tags: ['identity'],
        summary: 'Log in with a password; returns a session token',
        body: LoginRequest,
        response: { 200: SessionResponse },
      },
      onRequest: [
        // A login reads the store (synchronously, on SQLite) as the authenticated routes do: it
        // waits its turn with them, or the logins of 200 connections run in one turn of the loop.
        () => REQUEST_TURNS.take(),
        // Refused before the body is read when the hashes are all busy: the same 429, far cheaper.
        // Asked in the login's turn, so that it sees the gate as the logins before it left it.
        async () => {
          const refusal = s.sessions.loginRefusal();
          if (refusal) throw refusal;
        },
      ],
    },
    async (request, reply) => {
      const signal = clientSignal(request, reply);
      const source = await loginSource(request, s.sessions);
      return s.sessions.login(request.body.username, request.body.password, source, signal);
    },
  );
}
