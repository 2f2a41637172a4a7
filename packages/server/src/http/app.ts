/**
 * The HTTP API: one Fastify app, everything under /api/v1, its OpenAPI document generated from
 * the same schemas that validate requests.
 */

import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { API_PREFIX, paths } from '@hearth/sdk';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type HostRule, hostRefusal } from '../core/host-names.js';
import { HearthError } from '../errors.js';
import { authenticate } from './auth.js';
import { DEFAULT_DASHBOARD_DIR, loadDashboard, serveDashboard } from './browser/dashboard.js';
import { browserSessions } from './browser/session-cookie.js';
import { pick, type Services } from './context.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from './errors.js';
import { type AppFrontDoor, hostRouter } from './host-router.js';
import { documentEveryRoute } from './openapi.js';
import { REQUEST_TURNS } from './request-turns.js';
import { accessRoutes } from './routes/access.js';
import { appRoutes } from './routes/apps.js';
import { buildRoutes } from './routes/builds.js';
import { dotfilesRoutes } from './routes/dotfiles.js';
import { engineRoutes } from './routes/engines.js';
import { execRoutes } from './routes/exec.js';
import { identityRoutes } from './routes/identity.js';
import { imageRoutes } from './routes/images.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { passwordRoutes } from './routes/password.js';
import { publicRoutes } from './routes/public.js';
import { replicaRoutes } from './routes/replicas.js';
import { secretRoutes } from './routes/secrets.js';
import { sshKeyRoutes } from './routes/ssh-keys.js';
import { workspaceActionRoutes } from './routes/workspace-actions.js';
import { workspaceListWatchRoutes } from './routes/workspace-list-watch.js';
import { workspaceWatchRoutes } from './routes/workspace-watch.js';
import { workspaceRoutes } from './routes/workspaces.js';
import { serializerCompiler } from './serialization.js';
import { trackSseStreams } from './sse.js';
import { validatorCompiler } from './validation.js';

export async function buildApp(
  services: Services,
  logger: Logger,
  options: { apps?: AppFrontDoor; dashboardDir?: string; hosts?: HostRule } = {},
): Promise<FastifyInstance> {
  const dashboard = loadDashboard(options.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  const app = Fastify({
    // App hosts are answered by the app proxy before Fastify sees them.
    ...(options.apps ? { serverFactory: hostRouter(options.apps) } : {}),
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Bad URL encoding and over-long path parameters answer in the one error format too.
    frameworkErrors: errorHandler,
    clientErrorHandler,
  });
  const hosts = options.hosts;
  // Before anything reads the request: a request through a rebound name gets nothing (core/host-names.ts).
  if (hosts)
    app.addHook('onRequest', async (request) => {
      const refusal = hostRefusal(request.headers.host, hosts);
      if (refusal) throw new HearthError('misdirected_host', refusal);
    });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  trackSseStreams(app);
  app.setNotFoundHandler((request, reply) => {
    const page =
      (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith(`${API_PREFIX}/`);
    if (!page || !serveDashboard(dashboard, request, reply)) notFoundHandler(request, reply);
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hearth API',
        version: services.version,
        description:
          'Self-hosted cloud development workspaces. Authenticate with `Authorization: Bearer <token>` (from POST /auth/login or POST /tokens). Errors are `{code, message, detail?, requestId}`.',
      },
      servers: [{ url: API_PREFIX }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });
  documentEveryRoute(app);
  await app.register(
    async (api) => {
      await api.register(browserSessions);
      api.get(paths.openapi(), { schema: { hide: true } }, async () => app.swagger());
      await api.register(async (open) => publicRoutes(open, pick(services, 'sessions', 'users', 'version')));
      await api.register(async (closed) => {
        // Before authentication, which reads the store: see request-turns.ts.
        closed.addHook('onRequest', () => REQUEST_TURNS.take());
        await closed.register(authenticate, { sessions: services.sessions });
        await identityRoutes(closed, pick(services, 'sessions', 'users', 'orgs', 'members', 'tokens'));
        await passwordRoutes(closed, pick(services, 'sessions'));
        await imageRoutes(closed, pick(services, 'images'));
        await engineRoutes(closed, pick(services, 'engines'));
        await workspaceRoutes(closed, pick(services, 'workspaces'));
        await workspaceActionRoutes(closed, pick(services, 'workspaces'));
        await buildRoutes(closed, pick(services, 'workspaces', 'events', 'revocations', 'clock'));
        await workspaceWatchRoutes(closed, pick(services, 'workspaces', 'events', 'revocations', 'clock'));
        await workspaceListWatchRoutes(
          closed,
          pick(services, 'workspaces', 'events', 'revocations', 'clock'),
        );
        await execRoutes(
          closed,
          pick(services, 'sessionEntry', 'workspaces', 'revocations', 'clock', 'events'),
        );
        await lifecycleRoutes(
          closed,
          pick(services, 'lifecycle', 'campaigns', 'imageChecker', 'executorStats'),
        );
        await replicaRoutes(closed, pick(services, 'replicas'));
        await dotfilesRoutes(closed, pick(services, 'dotfiles'));
        await secretRoutes(closed, pick(services, 'secrets'));
        await accessRoutes(
          closed,
          pick(services, 'ssh', 'sessionEntry', 'workspaces', 'revocations', 'clock', 'events'),
        );
        await sshKeyRoutes(closed, pick(services, 'sshKeys'));
        await appRoutes(closed, pick(services, 'apps'));
      });
    },
    { prefix: API_PREFIX },
  );
  return app;
}
