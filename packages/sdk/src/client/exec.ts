import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import { ExecChannel, type ExecControl, type ExecStart } from '../api/events.js';
import { errorFromResponse, unreachableError } from './errors.js';
import { closeError, controlError, decodeFrame, encodeControl, encodeFrame } from './exec-frames.js';

/** Lets the caller steer a running exec, e.g. forward terminal resizes. */
export interface ExecSession {
  resize(cols: number, rows: number): void;
}

/** The local side of an exec: where input comes from and output goes. */
export interface ExecIo {
  /** Forwarded as stdin; its end sends `eof`. Undefined: the process gets no stdin. */
  stdin: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
  signal?: AbortSignal;
  /** Called once the start frame has been sent. */
  onStart?: (session: ExecSession) => void;
}

/** Where and as whom to connect. */
export interface ExecTarget {
  url: string;
  headers: Record<string, string>;
  /** Base URL for messages, e.g. "cannot reach the Hearth server at …". */
  serverUrl: string;
}

/**
 * Runs one process over the exec WebSocket and resolves with its exit code. Output is written
 * respecting backpressure: while stdout or stderr is full the socket is paused, so a slow
 * consumer slows the remote process instead of buffering without bound.
 */
export function runExec(target: ExecTarget, start: ExecStart, io: ExecIo): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    if (io.signal?.aborted) {
      reject(io.signal.reason);
      return;
    }
    const ws = new WebSocket(target.url, { headers: target.headers, perMessageDeflate: false });
    let settled = false;
    const finish = (err: unknown, code?: number) => {
      if (settled) return;
      settled = true;
      detachStdin();
      io.signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(code ?? 0);
      else reject(err);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    };
    const onAbort = () => {
      finish(io.signal?.reason ?? new Error('aborted'));
      ws.terminate();
    };
    const send = (frame: Buffer, done?: () => void) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(frame, { binary: true }, (err) => {
        if (!err) done?.();
      });
    };
    const sendControl = (control: ExecControl) => send(encodeControl(control));

    const stdin = io.stdin;
    const onData = (chunk: Buffer | string) => {
      // One chunk in flight at a time: stdin is read only as fast as the socket takes it.
      stdin?.pause();
      send(encodeFrame(ExecChannel.stdin, typeof chunk === 'string' ? Buffer.from(chunk) : chunk), () =>
        stdin?.resume(),
      );
    };
    const onEnd = () => sendControl({ type: 'eof' });
    const onStdinError = (err: Error) => finish(err);
    function detachStdin() {
      if (!stdin) return;
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onStdinError);
      stdin.pause();
    }

    io.signal?.addEventListener('abort', onAbort, { once: true });

    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      // The upgrade was refused with an ordinary HTTP error (401, 404…): report its body.
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        finish(
          errorFromResponse(res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks).toString()),
        ),
      );
      res.on('error', (err) => finish(unreachableError(target.serverUrl, err)));
    });
    ws.on('error', (err) => finish(unreachableError(target.serverUrl, err)));
    ws.on('open', () => {
      ws.send(JSON.stringify({ ...start, stdin: start.stdin ?? stdin !== undefined }));
      io.onStart?.({ resize: (cols, rows) => sendControl({ type: 'resize', cols, rows }) });
      if (!stdin) return;
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.once('error', onStdinError);
      stdin.resume();
    });
    let exitCode: number | undefined;
    let reported: Error | undefined;
    const blocked = new Set<Writable>();
    const write = (out: Writable, data: Buffer) => {
      // ws may still deliver already-received messages after pause(), so wait for one drain per stream.
      if (out.write(data) || blocked.has(out)) return;
      blocked.add(out);
      ws.pause();
      out.once('drain', () => {
        blocked.delete(out);
        if (blocked.size === 0) ws.resume();
      });
    };
    ws.on('message', (data: WebSocket.RawData, isBinary) => {
      if (!isBinary) return;
      let frame: ReturnType<typeof decodeFrame>;
      try {
        frame = decodeFrame(data as Buffer);
      } catch (err) {
        finish(err);
        return;
      }
      if (frame.channel === ExecChannel.control) {
        // The close that follows an `error` message carries no reason: keep the message for it.
        if (frame.control.type === 'error') reported = controlError(frame.control);
        // Resolve only once the output written so far has been taken by its consumers.
        if (frame.control.type === 'exit' && exitCode === undefined) {
          const code = frame.control.code;
          exitCode = code;
          void Promise.all([...blocked].map((out) => once(out, 'drain'))).then(() => finish(undefined, code));
        }
        return;
      }
      if (frame.channel === ExecChannel.stdout) write(io.stdout, frame.data);
      else if (frame.channel === ExecChannel.stderr) write(io.stderr, frame.data);
    });
    ws.on('close', (code, reason) => {
      // The server closes right after `exit`; that close is the normal end, not a lost connection.
      if (exitCode === undefined) finish(reported ?? closeError(code, reason.toString()));
    });
  });
}
