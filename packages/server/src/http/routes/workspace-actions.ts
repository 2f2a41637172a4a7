/**
 * A workspace's lifecycle actions: rebuild, start and stop (each queues or cancels a build).
 */
import { paths, RebuildRequest, Workspace } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { WsParams } from './workspace-params.js';

export async function workspaceActionRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'workspaces'>,
): Promise<void> {
  app.post<{ Params: WsParams; Body: RebuildRequest }>(
    pattern(paths.workspaceAction(':user', ':name', 'rebuild')),
    {
      // No body means "rebuild with what it has", as `curl -X POST` would send it.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['workspaces'],
        summary:
          'Rebuild from the latest image, optionally with new resources; only the home directory is kept',
        params: WsParams,
        body: RebuildRequest,
        response: { 202: Workspace },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await s.workspaces.rebuild(
            actorOf(request),
            request.params.user,
            request.params.name,
            request.body ?? {},
          ),
        ),
  );

  const actions = [
    { action: 'start', summary: 'Start a stopped or failed workspace (a rebuild)' },
    {
      action: 'stop',
      summary: 'Stop: remove the container, keep the home volume; cancels a queued or running build',
    },
  ] as const;
  for (const { action, summary } of actions) {
    app.post<{ Params: WsParams }>(
      pattern(paths.workspaceAction(':user', ':name', action)),
      { schema: { tags: ['workspaces'], summary, params: WsParams, response: { 202: Workspace } } },
      async (request, reply) =>
        reply
          .status(202)
          .send(await s.workspaces[action](actorOf(request), request.params.user, request.params.name)),
    );
  }
}
