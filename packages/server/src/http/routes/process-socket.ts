/**
 * A process in a workspace behind a WebSocket, in the exec channel protocol of the SDK's events.ts:
 * shared by exec (which waits for a start frame) and the terminal (which starts at once). Output
 * flows with backpressure both ways; errors reach the client as an `error` control frame.
 */
import { ExecChannel, type ExecControl } from '@hearth/sdk';
import type { WebSocket } from 'ws';
import { invalidInput } from '../../errors.js';
import type { ExecSession } from '../../runtime/runtime.js';
import { errorAnswer } from '../errors.js';

/** Output waiting in the socket beyond this pauses the process's output. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Input accepted before the process has started. */
const EARLY_LIMIT = 8 * 1024 * 1024;

export interface Frame {
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/**
 * Starts the process with `open` — at once, or with the client's first frame when `startFrame` —
 * and bridges the socket to it. Frames that arrive while the engine session is being created (a
 * piped stdin can follow the start frame at once) are kept and replayed, up to a bound.
 */
export function serveProcess(
  socket: WebSocket,
  open: (first: Frame | undefined) => Promise<ExecSession>,
  options: { startFrame: boolean },
): void {
  let session: ExecSession | undefined;
  let input: ((frame: Frame) => void) | undefined;
  const early: Frame[] = [];
  let begun = false;
  let earlyBytes = 0;
  const begin = async (first: Frame | undefined) => {
    begun = true;
    try {
      session = await open(first);
      // The client may have gone while the process was starting: the session (and the activity it
      // counts as) would outlive it.
      if (socket.readyState !== socket.OPEN) return session.close();
      input = bridge(socket, session);
      for (const frame of early.splice(0)) input(frame);
    } catch (error) {
      fail(socket, error);
    }
  };
  socket.on('message', (data: Buffer, isBinary) => {
    if (input) return input({ data, isBinary });
    if (!begun) return void begin({ data, isBinary });
    earlyBytes += data.length;
    if (earlyBytes > EARLY_LIMIT)
      return fail(socket, invalidInput('too much input before the process started'));
    early.push({ data, isBinary });
  });
  socket.on('close', () => session?.close());
  if (!options.startFrame) void begin(undefined);
}

/** Sends the error as a control frame and closes with 4000 + its status. */
export function fail(socket: WebSocket, error: unknown): void {
  const { status, body } = errorAnswer(error);
  sendControl(socket, { type: 'error', status, code: body.code, message: body.message });
  socket.close(4000 + status);
}

/** Wires the session's output to the socket and returns the handler for the client's frames. */
function bridge(socket: WebSocket, session: ExecSession): (frame: Frame) => void {
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

  const input = ({ data, isBinary }: Frame) => {
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
      fail(socket, error);
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
