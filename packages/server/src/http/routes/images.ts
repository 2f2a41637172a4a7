/**
 * The org's image catalogue.
 */
import { AddImageRequest, Image, PageHeaders, PageQuery, paths } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';
import { sendPage } from '../paging.js';

export async function imageRoutes(app: FastifyInstance, s: Pick<Services, 'images'>): Promise<void> {
  const OrgParam = Type.Object({ org: Type.String() });

  app.get<{ Params: { org: string }; Querystring: { limit?: number; cursor?: string } }>(
    pattern(paths.images(':org')),
    {
      schema: {
        tags: ['images'],
        summary:
          "The org's image catalogue, by ref; one page (the Link and X-Next-Cursor headers say where the next page is)",
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(Image, { headers: PageHeaders }) },
      },
    },
    async (request, reply) =>
      sendPage(request, reply, await s.images.list(actorOf(request), request.params.org, request.query)),
  );

  app.post<{ Params: { org: string }; Body: AddImageRequest }>(
    pattern(paths.images(':org')),
    {
      schema: {
        tags: ['images'],
        summary: 'Add an image (org admin); its USER must be a non-root user in its /etc/passwd',
        params: OrgParam,
        body: AddImageRequest,
        response: { 201: Image },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.images.add(actorOf(request), request.params.org, request.body)),
  );

  app.delete<{ Params: { org: string; id: string }; Querystring: { force?: boolean } }>(
    pattern(paths.image(':org', ':id')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['images'],
        summary:
          'Remove an image from the catalogue (org admin); refused while workspaces use it, unless force',
        params: Type.Object({ org: Type.String(), id: Type.String() }),
        querystring: Type.Object({
          force: Type.Optional(
            Type.Boolean({ description: 'remove it even though workspaces use it (they cannot be rebuilt)' }),
          ),
        }),
      },
    },
    async (request, reply) => {
      await s.images.remove(actorOf(request), request.params.org, request.params.id, {
        force: request.query.force === true,
      });
      return reply.status(204).send();
    },
  );
}
