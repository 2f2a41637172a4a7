/**
 * Pure encoding of the exec WebSocket channel protocol described in `api/events.ts`:
 * binary frames whose first byte is the channel, JSON on the control channel.
 */
import { ExecChannel, type ExecControl } from '../api/events.js';
import { errorFromResponse, HearthApiError } from './errors.js';

/** A decoded binary frame. */
export type ExecFrame =
  | {
      channel: typeof ExecChannel.stdout | typeof ExecChannel.stderr | typeof ExecChannel.stdin;
      data: Buffer;
    }
  | { channel: typeof ExecChannel.control; control: ExecControl };

/** One binary frame: the channel byte, then the payload. */
export function encodeFrame(channel: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = channel;
  frame.set(payload, 1);
  return frame;
}

/** A control message on channel 3. */
export function encodeControl(control: ExecControl): Buffer {
  return encodeFrame(ExecChannel.control, Buffer.from(JSON.stringify(control)));
}

/** Decodes one binary frame; throws on an empty frame, an unknown channel or a malformed control message. */
export function decodeFrame(frame: Buffer): ExecFrame {
  if (frame.length === 0) throw new Error('empty exec frame');
  const channel = frame[0];
  const payload = frame.subarray(1);
  switch (channel) {
    case ExecChannel.stdin:
    case ExecChannel.stdout:
    case ExecChannel.stderr:
      return { channel, data: payload };
    case ExecChannel.control:
      return { channel, control: parseControl(payload) };
    default:
      throw new Error(`unknown exec channel ${channel}`);
  }
}

function parseControl(payload: Buffer): ExecControl {
  const value: unknown = JSON.parse(payload.toString('utf8'));
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new Error('malformed exec control message');
  }
  const msg = value as Record<string, unknown>;
  if (msg.type === 'exit' && typeof msg.code !== 'number')
    throw new Error('exec exit message without a code');
  return value as ExecControl;
}

/** The {@link HearthApiError} an `error` control message describes. */
export function controlError(control: Extract<ExecControl, { type: 'error' }>): HearthApiError {
  return new HearthApiError({ status: control.status, code: control.code, message: control.message });
}

/**
 * The error a close code carries: 4000 + HTTP status with an {@link ErrorBody} reason when the server
 * refused to start the process; any other close before `exit` means the connection was lost.
 */
export function closeError(code: number, reason: string): HearthApiError {
  if (code >= 4000 && code < 5000) {
    if (reason === '') {
      return new HearthApiError({
        status: code - 4000,
        code: 'exec_failed',
        message: `the server ended the exec (close code ${code})`,
      });
    }
    return errorFromResponse(code - 4000, '', reason);
  }
  return new HearthApiError({
    status: 0,
    code: 'exec_disconnected',
    message: `the exec connection closed before the process exited (close code ${code}${reason ? `: ${reason}` : ''})`,
  });
}

/** The exec WebSocket URL for an HTTP base URL: http → ws, https → wss. */
export function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
