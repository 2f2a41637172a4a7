/**
 * The caller's secrets and git SSH key. Values go in and never come out.
 */
import { GitSshKey, paths, SecretInfo, SetSecretRequest } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';

export async function secretRoutes(app: FastifyInstance, s: Pick<Services, 'secrets'>): Promise<void> {
  const NameParam = Type.Object({ name: Type.String() });

  app.get(
    paths.secrets(),
    {
      schema: {
        tags: ['secrets'],
        summary: 'Your secrets, names only',
        response: { 200: Type.Array(SecretInfo) },
      },
    },
    async (request) => s.secrets.list(actorOf(request)),
  );

  app.put<{ Params: { name: string }; Body: SetSecretRequest }>(
    pattern(paths.secret(':name')),
    {
      schema: {
        tags: ['secrets'],
        summary: 'Set a secret (environment variable, or a file with file=true); applied at the next build',
        params: NameParam,
        body: SetSecretRequest,
        response: { 200: SecretInfo },
      },
    },
    async (request) => s.secrets.set(actorOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    pattern(paths.secret(':name')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['secrets'],
        summary: 'Remove a secret',
        params: NameParam,
      },
    },
    async (request, reply) => {
      await s.secrets.remove(actorOf(request), request.params.name);
      return reply.status(204).send();
    },
  );

  app.get(
    paths.gitSsh(),
    {
      schema: {
        tags: ['secrets'],
        summary: 'Your git SSH public key (the pair is created on first use)',
        response: { 200: GitSshKey },
      },
    },
    async (request) => s.secrets.gitKey(actorOf(request)),
  );

  app.post(
    paths.gitSshRegenerate(),
    {
      schema: {
        tags: ['secrets'],
        summary: 'Replace your git SSH key pair; workspaces get it at their next build',
        response: { 200: GitSshKey },
      },
    },
    async (request) => s.secrets.regenerateGitKey(actorOf(request)),
  );
}
