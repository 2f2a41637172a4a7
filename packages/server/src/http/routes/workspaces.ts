/**
 * Workspaces: create, list, show and delete.
 */
import { CreateWorkspaceRequest, PageHeaders, PageQuery, paths, Workspace } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { clientSignal } from '../client-signal.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';
import { sendPage } from '../paging.js';
import { viewSerializerCompiler } from '../view-serialization.js';
import { WsParams } from './workspace-params.js';

export async function workspaceRoutes(app: FastifyInstance, s: Pick<Services, 'workspaces'>): Promise<void> {
  app.get<{ Querystring: { org?: string; owner?: string; limit?: number; cursor?: string } }>(
    paths.workspaces(),
    {
      schema: {
        tags: ['workspaces'],
        summary:
          "The caller's workspaces; with ?org=, all of the org's for an org admin; one page, by owner, name and id (the Link and X-Next-Cursor headers say where the next page is)",
        querystring: Type.Object({
          org: Type.Optional(Type.String()),
          owner: Type.Optional(
            Type.String({ description: "Only this owner's workspaces (`me` for yours)." }),
          ),
          ...PageQuery,
        }),
        response: { 200: Type.Array(Workspace, { headers: PageHeaders }) },
      },
      // Its views are built field by field in the schema's order (view-serialization.ts).
      serializerCompiler: viewSerializerCompiler,
    },
    async (request, reply) =>
      sendPage(
        request,
        reply,
        await s.workspaces.list(actorOf(request), request.query, clientSignal(request, reply)),
      ),
  );

  app.post<{ Body: CreateWorkspaceRequest }>(
    paths.workspaces(),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace; its first build is queued',
        body: CreateWorkspaceRequest,
        response: { 201: Workspace },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.workspaces.create(actorOf(request), request.body)),
  );

  app.get<{ Params: WsParams }>(
    pattern(paths.workspace(':user', ':name')),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace, its state and why, and its last build',
        params: WsParams,
        response: { 200: Workspace },
      },
    },
    async (request) => s.workspaces.get(actorOf(request), request.params.user, request.params.name),
  );

  app.delete<{ Params: WsParams }>(
    pattern(paths.workspace(':user', ':name')),
    {
      schema: {
        response: { 202: NoContent },
        tags: ['workspaces'],
        summary: 'Delete a workspace and, only now, its home volume',
        params: WsParams,
      },
    },
    async (request, reply) => {
      await s.workspaces.delete(actorOf(request), request.params.user, request.params.name);
      return reply.status(202).send();
    },
  );
}
