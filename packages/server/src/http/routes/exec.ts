/**
 * Exec over a WebSocket: bridges the channel protocol in the SDK's events.ts onto an engine exec
 * session, with backpressure both ways. Only the owner of a running workspace gets a session.
 */
import { type ExecStart, paths } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../errors.js';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { closeWhenNotRunning, guardSocket } from '../stream-guard.js';
import { serveProcess } from './process-socket.js';

export async function execRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'sessionEntry' | 'workspaces' | 'revocations' | 'clock' | 'events'>,
): Promise<void> {
  app.get<{ Params: { user: string; name: string } }>(
    pattern(paths.exec(':user', ':name')),
    {
      websocket: true,
      schema: {
        tags: ['workspaces'],
        summary:
          'WebSocket exec: first a text frame {cmd, tty, stdin, cols, rows, env}, then binary frames whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 control JSON)',
        params: Type.Object({ user: Type.String(), name: Type.String() }),
      },
      // Refused before the upgrade, as the terminal and the SSH tunnel are: others get the
      // not-found answer whether or not they asked for a WebSocket.
      preHandler: async (request) => {
        await s.sessionEntry.target(actorOf(request), request.params.user, request.params.name);
      },
    },
    (socket, request) => {
      const actor = actorOf(request);
      serveProcess(
        socket,
        async (first) => {
          const start = parseStart(first && !first.isBinary ? first.data.toString() : undefined);
          const target = await s.sessionEntry.target(actor, request.params.user, request.params.name);
          // Revoking the token (or the user's access) ends the session with a message.
          guardSocket(s, request, socket, target.workspaceId, 'exec');
          closeWhenNotRunning(s, socket, target);
          // The session counts as use of the workspace until it ends (auto-off waits).
          const session = await s.sessionEntry.open(
            target,
            {
              cmd: start.cmd,
              tty: start.tty ?? false,
              env: start.env ?? {},
              size: start.cols && start.rows ? { cols: start.cols, rows: start.rows } : undefined,
            },
            start.tty ? 'terminal' : 'exec',
          );
          if (start.stdin === false) session.stdin.end();
          return session;
        },
        { startFrame: true },
      );
    },
  );
}

function parseStart(text: string | undefined): ExecStart {
  let start: Partial<ExecStart> | undefined;
  try {
    start = text === undefined ? undefined : (JSON.parse(text) as Partial<ExecStart>);
  } catch {
    start = undefined;
  }
  if (
    !start ||
    !Array.isArray(start.cmd) ||
    start.cmd.length === 0 ||
    !start.cmd.every((a) => typeof a === 'string')
  ) {
    throw invalidInput(
      'the first exec message must be JSON text {"cmd": ["program", "args"…]} with a non-empty cmd',
    );
  }
  return start as ExecStart;
}
