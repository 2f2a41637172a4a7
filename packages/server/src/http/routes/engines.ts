/**
 * The pool of container engines (site admin): list with capacity and reachability, add, drain,
 * undrain, remove.
 */
import { AddEngineRequest, Engine, paths, SetEngineCapacityRequest } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';

export async function engineRoutes(app: FastifyInstance, s: Pick<Services, 'engines'>): Promise<void> {
  const NameParam = Type.Object({ name: Type.String() });

  app.get(
    paths.engines(),
    {
      schema: {
        tags: ['engines'],
        summary: 'The container engines: capacity, allocated requests, workspaces, reachable? (site admin)',
        response: { 200: Type.Array(Engine) },
      },
    },
    async (request) => s.engines.list(actorOf(request)),
  );

  app.post<{ Body: AddEngineRequest }>(
    paths.engines(),
    {
      schema: {
        tags: ['engines'],
        summary: 'Add a container engine to the pool; it must answer (site admin)',
        body: AddEngineRequest,
        response: { 201: Engine },
      },
    },
    async (request, reply) => reply.status(201).send(await s.engines.add(actorOf(request), request.body)),
  );

  for (const action of ['drain', 'undrain'] as const) {
    app.post<{ Params: { name: string } }>(
      pattern(paths.engineAction(':name', action)),
      {
        schema: {
          tags: ['engines'],
          summary:
            action === 'drain'
              ? 'Place no new workspace on the engine; those on it stay (site admin)'
              : 'Place new workspaces on the engine again (site admin)',
          params: NameParam,
          response: { 200: Engine },
        },
      },
      async (request) => s.engines.setDrained(actorOf(request), request.params.name, action === 'drain'),
    );
  }

  app.patch<{ Params: { name: string }; Body: SetEngineCapacityRequest }>(
    pattern(paths.engine(':name')),
    {
      schema: {
        tags: ['engines'],
        summary: 'Declare the engine’s capacity; omitted parts stay (site admin)',
        params: NameParam,
        body: SetEngineCapacityRequest,
        response: { 200: Engine },
      },
    },
    async (request) => s.engines.setCapacity(actorOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    pattern(paths.engine(':name')),
    {
      schema: {
        tags: ['engines'],
        summary: 'Remove an engine that has no workspaces (site admin)',
        params: NameParam,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await s.engines.remove(actorOf(request), request.params.name);
      return reply.status(204).send();
    },
  );
}
