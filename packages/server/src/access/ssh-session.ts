/**
 * One SSH session channel: collects pty and env requests, then runs a shell, a command or the sftp
 * subsystem as an engine exec, with stdin, stdout, stderr, window changes and the exit status
 * carried both ways. Output flows with backpressure: the SSH window limits what is in flight.
 */
import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import type { Logger } from '../ports/logger.js';
import type { ExecSession } from '../runtime/runtime.js';
import type { ProcessOpener } from './session-entry.js';
import type { SessionTarget } from './session-target.js';
import {
  loginShell,
  SESSION_MARKER,
  SSH_SIGNALS,
  sftpServer,
  shellCommand,
  signalSession,
} from './workspace-process.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables a client may not override: the session's identity is the workspace's. */
const FIXED_ENV = new Set(['HOME', 'USER', 'LOGNAME', 'SHELL', 'PATH', SESSION_MARKER]);

export interface SshSessionDeps {
  readonly sessions: ProcessOpener;
  readonly target: SessionTarget;
  readonly log: Logger;
}

export class SshSession {
  /** Resolves once the channel has closed. */
  readonly closed: Promise<void>;
  readonly #d: SshSessionDeps;
  readonly #id = randomUUID();
  readonly #env: Record<string, string> = {};
  #pty: PseudoTtyInfo | undefined;
  #channel: ServerChannel | undefined;
  #process: ExecSession | undefined;

  constructor(session: Session, deps: SshSessionDeps) {
    this.#d = deps;
    this.closed = new Promise((resolve) => session.once('close', () => resolve()));
    session.on('pty', (accept, _reject, info) => {
      this.#pty = info;
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      if (!ENV_NAME.test(info.key) || FIXED_ENV.has(info.key)) return reject?.();
      this.#env[info.key] = info.val;
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (this.#pty) this.#pty = { ...this.#pty, cols: info.cols, rows: info.rows };
      void this.#process?.resize({ cols: info.cols, rows: info.rows }).catch(() => undefined);
      accept?.();
    });
    session.on('signal', (accept, reject, info) => {
      if (!this.#process || !SSH_SIGNALS.has(info.name)) return reject?.();
      accept?.();
      void this.#signal(info.name);
    });
    session.on('shell', (accept) => void this.#run(accept(), loginShell(), true));
    session.on('exec', (accept, _reject, info) => void this.#run(accept(), shellCommand(info.command), true));
    session.on('subsystem', (accept, reject, info) => {
      if (info.name !== 'sftp') return reject();
      void this.#run(accept(), sftpServer(), false);
    });
  }

  /** Ends the session from our side, telling the client why when `message` is given. */
  abort(message?: string): void {
    const channel = this.#channel;
    if (!channel) return;
    if (message) channel.stderr.write(`${message}\r\n`);
    this.#process?.close();
    channel.exit(255);
    channel.end();
  }

  /** Runs the signalling process; a failure (the process already gone, say) is only logged. */
  async #signal(name: string): Promise<void> {
    try {
      const proc = await this.#d.sessions.open(this.#d.target, { cmd: signalSession(this.#id, name) });
      proc.stdin.end();
      proc.stdout.resume();
      proc.stderr.resume();
      await proc.exit;
    } catch (error) {
      this.#d.log.info({ err: error, signal: name }, 'ssh signal could not be delivered');
    }
  }

  async #run(channel: ServerChannel, cmd: string[], withPty: boolean): Promise<void> {
    this.#channel = channel;
    const pty = withPty ? this.#pty : undefined;
    const env = { ...this.#env, [SESSION_MARKER]: this.#id, ...(pty ? { TERM: pty.term || 'xterm' } : {}) };
    let proc: ExecSession;
    try {
      proc = await this.#d.sessions.open(this.#d.target, {
        cmd,
        tty: pty !== undefined,
        env,
        size: pty && { cols: pty.cols, rows: pty.rows },
      });
    } catch (error) {
      this.#d.log.info({ err: error }, 'ssh session could not start');
      channel.stderr.write(`hearth: cannot start the session: ${(error as Error).message}\r\n`);
      channel.exit(255);
      channel.end();
      return;
    }
    this.#process = proc;
    channel.once('close', () => proc.close());
    proc.stdout.pipe(channel, { end: false });
    proc.stderr.pipe(channel.stderr, { end: false });
    channel.pipe(proc.stdin);
    let code: number;
    try {
      code = await proc.exit;
    } catch (error) {
      if (channel.destroyed || !channel.writable) return;
      channel.stderr.write(`hearth: the session ended abnormally: ${(error as Error).message}\r\n`);
      code = 255;
    }
    // Every byte of output goes out before the exit status and the close.
    await Promise.all([finished(proc.stdout), finished(proc.stderr)]).catch(() => undefined);
    channel.exit(code);
    channel.end();
  }
}
