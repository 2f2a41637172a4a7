/**
 * Password change for the caller: the current password proves it is them (a stolen session alone
 * cannot lock the owner out).
 */
import { ChangePasswordRequest, paths } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import type { Services } from '../context.js';
import { NoContent } from '../openapi.js';

export async function passwordRoutes(app: FastifyInstance, s: Pick<Services, 'sessions'>): Promise<void> {
  app.put<{ Body: ChangePasswordRequest }>(
    paths.password(),
    {
      schema: {
        tags: ['identity'],
        summary: "Change the caller's password; needs the current one",
        body: ChangePasswordRequest,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await s.sessions.changePassword(
        actorOf(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      return reply.status(204).send();
    },
  );
}
