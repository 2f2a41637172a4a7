/**
 * Exec sessions over the engine's hijacked HTTP connection.
 *
 * One socket carries everything: we write stdin to it, half-close it to send EOF, and read the process output
 * back (multiplexed into 8-byte-framed stdout/stderr records unless a TTY merges them). The connection closes
 * when the process's output ends; only then is the exit code asked for.
 */
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { type ExecOptions, type ExecSession, type RawStream, RuntimeError } from '../runtime.js';
import { Demuxer } from './demux.js';
import { toRuntimeError } from './errors.js';

/** Starts `options.cmd` in a running container and returns the attached session. */
export async function startExec(
  docker: Docker,
  containerId: string,
  options: ExecOptions,
): Promise<ExecSession> {
  const tty = options.tty ?? false;
  const size = options.initialSize;
  let exec: Docker.Exec;
  try {
    exec = await docker.getContainer(containerId).exec({
      AttachStdin: options.stdin ?? false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      User: options.user,
      Cmd: [...options.cmd],
      ...(options.env ? { Env: [...options.env] } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      // Honoured from API 1.42; older engines ignore it and get the resize below instead.
      ...(tty && size ? { ConsoleSize: [size.rows, size.cols] as [number, number] } : {}),
    });
  } catch (err) {
    throw toRuntimeError(`create exec in ${containerId}`, err, 'container_not_found');
  }
  let socket: RawStream;
  try {
    socket = (await exec.start({ hijack: true, stdin: true, Detach: false, Tty: tty })) as RawStream;
  } catch (err) {
    throw toRuntimeError(`start exec in ${containerId}`, err, 'container_not_found');
  }
  // An engine over TCP (or TLS): small writes (a keystroke, a proxied request) go out at once, not
  // held by Nagle's algorithm for the previous one's acknowledgement. A Unix socket has no such delay.
  (socket as Partial<Socket>).setNoDelay?.(true);
  const session = new DockerExecSession(exec, socket, tty, options.stdin ?? false);
  if (tty && size) {
    // Best effort: a command that has already finished can no longer be resized, and that is fine.
    await session.resize(size).catch(() => undefined);
  }
  return session;
}

/**
 * How much output may wait for a slow reader before the engine's socket is paused. At node's default
 * (16 KiB) every record of the engine (up to 32 KiB) paused and resumed the socket.
 */
const OUTPUT_BUFFER = 256 * 1024;

class DockerExecSession implements ExecSession {
  readonly stdin: Writable;
  readonly stdout = new PassThrough({ highWaterMark: OUTPUT_BUFFER });
  readonly stderr = new PassThrough({ highWaterMark: OUTPUT_BUFFER });
  readonly exit: Promise<number>;
  readonly #exec: Docker.Exec;
  readonly #socket: RawStream;
  readonly #tty: boolean;
  #closedByUs = false;

  constructor(exec: Docker.Exec, socket: RawStream, tty: boolean, attachStdin: boolean) {
    this.#exec = exec;
    this.#socket = socket;
    this.#tty = tty;
    this.stdin = attachStdin ? stdinWriter(socket, !tty) : refusingWriter();
    if (tty) {
      this.stderr.end();
      socket.on('data', (chunk: Buffer) => this.stdout.write(chunk));
    } else {
      const demuxer = new Demuxer((stream, payload) => this[stream].write(payload));
      socket.on('data', (chunk: Buffer) => {
        try {
          demuxer.push(chunk);
        } catch (err) {
          socket.destroy(err as Error);
        }
      });
    }
    this.#applyBackpressure();
    this.exit = new Promise<number>((resolve, reject) => {
      let streamError: unknown;
      socket.on('error', (err) => {
        streamError = err;
      });
      socket.on('close', () => {
        this.stdout.end();
        this.stderr.end();
        this.#exitCode(streamError).then(resolve, reject);
      });
    });
    // Callers that only care about output may never await `exit`; its rejection must not crash the process.
    this.exit.catch(() => undefined);
  }

  async resize(size: { cols: number; rows: number }): Promise<void> {
    // Without a TTY there is no window size, and the engine rejects the request.
    if (!this.#tty) return;
    try {
      await this.#exec.resize({ h: size.rows, w: size.cols });
    } catch (err) {
      throw toRuntimeError('resize exec', err);
    }
  }

  close(): void {
    this.#closedByUs = true;
    this.stdin.destroy();
    this.#socket.destroy();
  }

  /**
   * The demuxer ignores write() results, so a reader that falls behind (a terminal behind a slow WebSocket)
   * would make us buffer without bound. Pausing the socket leaves the excess in the kernel and, beyond that,
   * blocks the process's writes, as a pipe would.
   */
  #applyBackpressure(): void {
    const behind = () => this.stdout.writableNeedDrain || this.stderr.writableNeedDrain;
    this.#socket.on('data', () => {
      if (behind()) this.#socket.pause();
    });
    const resume = () => {
      if (!behind()) this.#socket.resume();
    };
    this.stdout.on('drain', resume);
    this.stderr.on('drain', resume);
  }

  /**
   * The output stream can end a moment before the engine records the exit, so poll briefly.
   * A session we closed ourselves, or whose stream broke, gets one look: the process may well still be running.
   */
  async #exitCode(streamError: unknown): Promise<number> {
    const once = this.#closedByUs || streamError !== undefined;
    for (let delayMs = 2; ; delayMs = Math.min(delayMs * 2, 250)) {
      let info: Docker.ExecInspectInfo;
      try {
        info = await this.#exec.inspect();
      } catch (err) {
        throw toRuntimeError('inspect exec', err, 'container_not_found');
      }
      if (!info.Running) {
        if (info.ExitCode === null)
          throw new RuntimeError('engine_error', 'inspect exec: engine reported no exit code');
        return info.ExitCode;
      }
      if (once) {
        const why = this.#closedByUs ? 'session closed' : `stream failed (${String(streamError)})`;
        throw new RuntimeError('engine_error', `exec: ${why} before the process exited`, {
          cause: streamError,
        });
      }
      await sleep(delayMs);
    }
  }
}

/**
 * stdin as its own Writable so callers cannot read from or destroy the shared socket through it.
 * Ending it half-closes the socket, which the engine turns into EOF on the process's stdin; except on a
 * TTY (`forwardEnd` false), where the engine answers a half-close by closing the session's output while
 * the process still runs, discarding what it writes. There, as sshd does on a PTY, input just stops.
 */
function stdinWriter(socket: RawStream, forwardEnd: boolean): Writable {
  // Once the process has exited the engine closes the socket; further input has nowhere to go and is dropped,
  // rather than surfacing EPIPE on a stream whose owner already learns the outcome from `exit`.
  const gone = () => socket.destroyed || socket.writableEnded;
  return new Writable({
    // Chunks that queue while one write is in flight go out together in one writev.
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (gone()) return callback();
      socket.write(chunk, () => callback());
    },
    writev(chunks, callback) {
      if (gone()) return callback();
      socket.cork();
      for (let i = 0; i < chunks.length - 1; i++) socket.write(chunks[i]!.chunk);
      socket.write(chunks[chunks.length - 1]!.chunk, () => callback());
      socket.uncork();
    },
    final(callback) {
      if (gone() || !forwardEnd) return callback();
      socket.end(() => callback());
    },
  });
}

/** stdin for a session started without one: writing to it is a programming error. */
function refusingWriter(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback(new RuntimeError('engine_error', 'exec: stdin was not attached (pass stdin: true)'));
    },
  });
}
