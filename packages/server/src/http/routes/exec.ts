/**
 * Exec over a WebSocket: bridges the channel protocol in the SDK's events.ts onto an engine exec
 * session, with backpressure both ways. Only the owner of a running workspace gets a session.
 */
import { ExecChannel, type ExecControl, type ExecStart, paths } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { withSecretEnv } from '../../core/secrets.js';
import { invalidInput } from '../../errors.js';
import type { ExecSession } from '../../runtime/runtime.js';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { errorAnswer } from '../errors.js';

/** Output waiting in the socket beyond this pauses the process's output. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Input accepted before the process has started. */
const EARLY_LIMIT = 8 * 1024 * 1024;

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
      let closeActivity: (() => void) | undefined;
      let input: ((data: Buffer, isBinary: boolean) => void) | undefined;
      // Frames that arrive while the engine session is being created (a piped stdin can follow the
      // start frame at once) are kept and replayed, up to a bound.
      const early: [Buffer, boolean][] = [];
      let begun = false;
      let earlyBytes = 0;
      const fail = (error: unknown) => {
        const { status, body } = errorAnswer(error);
        sendControl(socket, { type: 'error', status, code: body.code, message: body.message });
        socket.close(4000 + status);
      };
      const begin = async (data: Buffer, isBinary: boolean) => {
        try {
          const start = parseStart(isBinary ? undefined : data.toString());
          const target = await s.workspaces.execTarget(actor, request.params.user, request.params.name);
          session = await s.runtime.exec(target.containerId, {
            // The user's environment secrets are sourced inside the container: they never travel in the exec's config.
            cmd: withSecretEnv(start.cmd),
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
          // The session counts as use of the workspace until it ends (auto-off waits).
          closeActivity = s.activity.sessionOpened(target.workspaceId, start.tty ? 'terminal' : 'exec');
          void session.exit.finally(() => closeActivity?.()).catch(() => {});
          if (start.stdin === false) session.stdin.end();
          input = bridge(socket, session);
          for (const [frame, binary] of early.splice(0)) input(frame, binary);
        } catch (error) {
          fail(error);
        }
      };
      socket.on('message', (data: Buffer, isBinary) => {
        if (input) return input(data, isBinary);
        if (!begun) {
          begun = true;
          void begin(data, isBinary);
          return;
        }
        earlyBytes += data.length;
        if (earlyBytes > EARLY_LIMIT) return fail(invalidInput('too much input before the process started'));
        early.push([data, isBinary]);
      });
      socket.on('close', () => {
        session?.close();
        closeActivity?.();
      });
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

/** Wires the session's output to the socket and returns the handler for the client's frames. */
function bridge(socket: WebSocket, session: ExecSession): (data: Buffer, isBinary: boolean) => void {
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

  const input = (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    // A misbehaving client must never take the server down: bad frames are ignored.
    if (channel === ExecChannel.stdin) {
      if (session.stdin.writableEnded) return;
      if (!session.stdin.write(payload)) {
        socket.pause();
        session.stdin.once('drain', () => socket.resume());
      }
    } else if (channel === ExecChannel.control) {
      const control = parseControl(payload);
      if (control?.type === 'eof') session.stdin.end();
      else if (control?.type === 'resize')
        void session.resize({ cols: control.cols, rows: control.rows }).catch(() => {});
    }
  };

  session.exit.then(
    (code) => {
      // A socket paused for stdin backpressure must read again, or the close handshake stalls.
      socket.resume();
      sendControl(socket, { type: 'exit', code });
      socket.close(1000);
    },
    (error: unknown) => {
      socket.resume();
      const { status, body } = errorAnswer(error);
      sendControl(socket, { type: 'error', status, code: body.code, message: body.message });
      socket.close(4000 + status);
    },
  );
  return input;
}

function parseControl(payload: Buffer): ExecControl | undefined {
  try {
    return JSON.parse(payload.toString()) as ExecControl;
  } catch {
    return undefined;
  }
}

function sendControl(socket: WebSocket, control: ExecControl): void {
  if (socket.readyState === socket.OPEN)
    socket.send(Buffer.concat([Buffer.of(ExecChannel.control), Buffer.from(JSON.stringify(control))]));
}
