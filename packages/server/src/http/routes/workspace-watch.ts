/**
 * One workspace's live view: a server-sent event stream of snapshots and log lines.
 */
import { paths } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { textResponse } from '../openapi.js';
import { openSse } from '../sse.js';
import { guardStream } from '../stream-guard.js';
import { WsParams } from './workspace-params.js';

export async function workspaceWatchRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'workspaces' | 'events' | 'revocations' | 'clock'>,
): Promise<void> {
  app.get<{ Params: WsParams }>(
    pattern(paths.watch(':user', ':name')),
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Server-sent events: `workspace` snapshots on every change and live `log` lines; ends when the workspace is deleted',
        params: WsParams,
        response: { 200: textResponse('The event stream', false) },
      },
    },
    async (request, reply) => {
      const id = await s.workspaces.watchTarget(actorOf(request), request.params.user, request.params.name);
      const stream = openSse(request, reply);
      stream.onClose(guardStream(s, request, id, 'view', (error) => stream.fail(error)));
      let sending = Promise.resolve();
      const sendSnapshot = () => {
        // Snapshots are sent in order; each reflects the store at the time it is read.
        sending = sending.then(async () => {
          const snapshot = await s.workspaces.snapshot(id);
          if (snapshot) stream.send('workspace', snapshot);
          else stream.end();
        });
      };
      stream.onClose(
        s.events.subscribe(id, { changed: sendSnapshot, log: (line) => stream.send('log', line) }),
      );
      sendSnapshot();
    },
  );
}
