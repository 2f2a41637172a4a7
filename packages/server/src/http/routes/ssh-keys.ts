/**
 * The caller's SSH public keys, for the plain SSH listener (`--ssh-listen`).
 */
import { AddSshKeyRequest, paths, SshKey } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';

export async function sshKeyRoutes(app: FastifyInstance, s: Pick<Services, 'sshKeys'>): Promise<void> {
  app.get(
    paths.sshKeys(),
    {
      schema: {
        tags: ['access'],
        summary: 'Your SSH public keys (for plain SSH to your workspaces)',
        response: { 200: Type.Array(SshKey) },
      },
    },
    async (request) => s.sshKeys.list(actorOf(request)),
  );

  app.post<{ Body: AddSshKeyRequest }>(
    paths.sshKeys(),
    {
      schema: {
        tags: ['access'],
        summary:
          'Add an SSH public key (one OpenSSH line: ed25519, ECDSA or RSA of 2048+ bits); a key belongs to one user only',
        body: AddSshKeyRequest,
        response: { 201: SshKey },
      },
    },
    async (request, reply) => reply.status(201).send(await s.sshKeys.add(actorOf(request), request.body)),
  );

  app.delete<{ Params: { key: string } }>(
    pattern(paths.sshKey(':key')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['access'],
        summary: 'Remove an SSH key by id, name or SHA256 fingerprint; SSH connections it opened are closed',
        params: Type.Object({ key: Type.String() }),
      },
    },
    async (request, reply) => {
      await s.sshKeys.remove(actorOf(request), request.params.key);
      return reply.status(204).send();
    },
  );
}
