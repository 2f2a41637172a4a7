/**
 * `hearth ssh NAME [CMD]` without OpenSSH: an ssh2 client over the tunnel, with the terminal in
 * raw mode and window changes forwarded. Exit codes follow ssh: the remote status, 128+N for a
 * signal, 255 when the connection failed.
 */
import { constants } from 'node:os';
import type { Duplex } from 'node:stream';
import ssh2, { type ClientChannel } from 'ssh2';
import { CliError } from './errors.js';

export interface SshRunOptions {
  /** A command for the user's shell; undefined for an interactive login shell. */
  readonly command: string | undefined;
  readonly tty: boolean;
  /** The host key the server announced (`ssh-ed25519 AAAA…`); the connection must present it. */
  readonly hostKey: string;
}

/** Runs one session over `sock` with this process's stdio; resolves with the exit code. */
export function runSsh(sock: Duplex, options: SshRunOptions): Promise<number> {
  const { stdin, stdout, stderr } = process;
  const expected = options.hostKey.split(' ')[1];
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let code = 255;
    let cleanup = () => {};
    conn.on('error', (err) => {
      cleanup();
      reject(new CliError(`ssh: ${err.message}`));
    });
    conn.on('close', () => {
      cleanup();
      resolve(code);
    });
    conn.on('ready', () => {
      const pty = options.tty
        ? { term: process.env.TERM || 'xterm', cols: stdout.columns || 80, rows: stdout.rows || 24 }
        : undefined;
      const started = (err: Error | undefined, channel: ClientChannel) => {
        if (err) {
          conn.end();
          return reject(new CliError(`ssh: cannot open a session: ${err.message}`));
        }
        cleanup = attach(channel, options.tty);
        channel.on('exit', (status: number | null, signal?: string) => {
          code = status ?? 128 + (signal ? (constants.signals[`SIG${signal}` as NodeJS.Signals] ?? 0) : 0);
        });
        channel.on('close', () => conn.end());
      };
      if (options.command === undefined) conn.shell(pty ?? false, started);
      else conn.exec(options.command, pty ? { pty } : {}, started);
    });
    conn.connect({
      sock,
      username: 'hearth',
      hostVerifier: (key: Buffer) => key.toString('base64') === expected,
      keepaliveInterval: 30_000,
    });
  });

  function attach(channel: ClientChannel, tty: boolean): () => void {
    const raw = tty && stdin.isTTY;
    if (raw) stdin.setRawMode(true);
    const onResize = () => channel.setWindow(stdout.rows, stdout.columns, 0, 0);
    if (tty && stdout.isTTY) stdout.on('resize', onResize);
    stdin.pipe(channel);
    channel.pipe(stdout, { end: false });
    channel.stderr.pipe(stderr, { end: false });
    return () => {
      stdin.unpipe(channel);
      // Nothing is left to read for: let the process exit even if stdin is a terminal.
      stdin.pause();
      if (raw) stdin.setRawMode(false);
      stdout.off('resize', onResize);
    };
  }
}
