/**
 * Exec over a WebSocket: bridges the channel protocol in the SDK's events.ts onto an engine exec
 * session, with backpressure both ways. Only the owner of a running workspace gets a session.
 */
import { ExecChannel, type ExecControl, type ExecStart, paths } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { invalidInput } from '../../errors.js';
import type { ExecSession } from '../../runtime/runtime.js';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { errorAnswer } from '../errors.js';

/** Output waiting in the socket beyond this pauses the process's output. */
const HIGH_WATER = 4 * 1024 * 1024;

export async function execRoutes(app: FastifyInstance, s: Services): Promise<void> {
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
    },
    (socket, request) => {
      const actor = actorOf(request);
      let session: ExecSession | undefined;
      const fail = (error: unknown) => {
        const { status, body } = errorAnswer(error);
        sendControl(socket, { type: 'error', status, code: body.code, message: body.message });
        socket.close(4000 + status);
      };
      socket.once('message', async (data, isBinary) => {
        try {
          const start = parseStart(isBinary ? undefined : data.toString());
          const target = await s.workspaces.execTarget(actor, request.params.user, request.params.name);
          session = await s.runtime.exec(target.containerId, {
            cmd: start.cmd,
            user: target.username,
            env: [
              `HOME=${target.home}`,
              `USER=${target.username}`,
              ...Object.entries(start.env ?? {}).map(([k, v]) => `${k}=${v}`),
            ],
            workingDir: target.home,
            stdin: true,
            tty: start.tty ?? false,
            ...(start.cols && start.rows ? { initialSize: { cols: start.cols, rows: start.rows } } : {}),
          });
          bridge(socket, session);
          if (start.stdin === false) session.stdin.end();
        } catch (error) {
          fail(error);
        }
      });
      socket.on('close', () => session?.close());
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

function bridge(socket: WebSocket, session: ExecSession): void {
  const forward = (channel: number, stream: NodeJS.ReadableStream) => {
    stream.on('data', (chunk: Buffer) => {
      socket.send(Buffer.concat([Buffer.of(channel), chunk]));
      if (socket.bufferedAmount > HIGH_WATER) {
        stream.pause();
        const resume = setInterval(() => {
          if (socket.bufferedAmount <= HIGH_WATER / 2 || socket.readyState !== socket.OPEN) {
            clearInterval(resume);
            stream.resume();
          }
        }, 5);
      }
    });
  };
  forward(ExecChannel.stdout, session.stdout);
  forward(ExecChannel.stderr, session.stderr);

  socket.on('message', (data: Buffer, isBinary) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === ExecChannel.stdin) {
      if (!session.stdin.write(payload)) {
        socket.pause();
        session.stdin.once('drain', () => socket.resume());
      }
    } else if (channel === ExecChannel.control) {
      const control = JSON.parse(payload.toString()) as ExecControl;
      if (control.type === 'eof') session.stdin.end();
      else if (control.type === 'resize')
        void session.resize({ cols: control.cols, rows: control.rows }).catch(() => {});
    }
  });

  session.exit.then(
    (code) => {
      sendControl(socket, { type: 'exit', code });
      socket.close(1000);
    },
    (error: unknown) => {
      const { status, body } = errorAnswer(error);
      sendControl(socket, { type: 'error', status, code: body.code, message: body.message });
      socket.close(4000 + status);
    },
  );
}

function sendControl(socket: WebSocket, control: ExecControl): void {
  if (socket.readyState === socket.OPEN)
    socket.send(Buffer.concat([Buffer.of(ExecChannel.control), Buffer.from(JSON.stringify(control))]));
}
