/**
 * The live view of a workspace list: `GET /workspaces/watch` streams a `workspace` snapshot each
 * time one of the caller's own workspaces changes (created, building, stopped…) and `gone` once
 * one is deleted. Other people's workspaces never appear, not even as an id.
 */
import { paths } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import type { Services } from '../context.js';
import { openSse } from '../sse.js';
import { guardCaller } from '../stream-guard.js';

export async function workspaceListWatchRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'workspaces' | 'events' | 'revocations' | 'clock'>,
): Promise<void> {
  app.get(
    paths.workspacesWatch(),
    {
      schema: {
        tags: ['workspaces'],
        summary:
          "Server-sent events: a `workspace` snapshot whenever one of the caller's own workspaces changes, `gone` with its id once deleted",
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const mine = await s.workspaces.ownIds(actor);
      const stream = openSse(request, reply);
      // A revoked or expired credential, a logout or a suspension ends the stream with a message.
      stream.onClose(guardCaller(s, request, (error) => stream.fail(error)));
      let sending = Promise.resolve();
      const changed = (id: string) => {
        // In order, each read from the store when its turn comes.
        sending = sending.then(async () => {
          const snapshot = await s.workspaces.snapshot(id);
          if (snapshot && snapshot.owner === actor.username) {
            mine.add(id);
            stream.send('workspace', snapshot);
          } else if (!snapshot && mine.delete(id)) stream.send('gone', { id });
        });
      };
      stream.onClose(s.events.subscribeAll(changed));
    },
  );
}
