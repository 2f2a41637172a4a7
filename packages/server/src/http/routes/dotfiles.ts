/**
 * The caller's dotfiles repository.
 */
import { Dotfiles, paths, SetDotfilesRequest } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import type { Services } from '../context.js';
import { NoContent } from '../openapi.js';

export async function dotfilesRoutes(app: FastifyInstance, s: Pick<Services, 'dotfiles'>): Promise<void> {
  app.get(
    paths.dotfiles(),
    {
      schema: {
        tags: ['dotfiles'],
        summary: 'Your dotfiles repository (url null when none is set)',
        response: { 200: Dotfiles },
      },
    },
    async (request) => s.dotfiles.get(actorOf(request)),
  );

  app.put<{ Body: SetDotfilesRequest }>(
    paths.dotfiles(),
    {
      schema: {
        tags: ['dotfiles'],
        summary: "Set your dotfiles repository; every workspace's next build clones it into ~/dotfiles",
        body: SetDotfilesRequest,
        response: { 200: Dotfiles },
      },
    },
    async (request) => s.dotfiles.set(actorOf(request), request.body),
  );

  app.delete(
    paths.dotfiles(),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['dotfiles'],
        summary: 'Stop applying dotfiles (existing clones stay in homes)',
      },
    },
    async (request, reply) => {
      await s.dotfiles.unset(actorOf(request));
      return reply.status(204).send();
    },
  );
}
