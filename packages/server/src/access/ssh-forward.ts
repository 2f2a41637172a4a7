/**
 * direct-tcpip (`ssh -L`): a forwarder started by exec inside the workspace connects to the target
 * on the workspace's own network, so no traffic ever goes to a container's address from outside.
 */
import type { ServerChannel, TcpipRequestInfo } from 'ssh2';
import type { Logger } from '../ports/logger.js';
import type { ExecSession } from '../runtime/runtime.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import type { ProcessOpener } from './session-entry.js';
import type { SessionTarget } from './session-target.js';
import { tcpForwarder } from './workspace-process.js';

const HOST = /^[A-Za-z0-9._:-]{1,253}$/;

export interface Forward {
  /** Carries the channel's bytes to the target and back until either side ends. */
  attach(channel: ServerChannel): void;
}

/**
 * Starts the forwarder and resolves once it is connected to the target; rejects with the reason
 * (connection refused, no bash in the image…) otherwise.
 */
export async function openForward(
  sessions: ProcessOpener,
  target: SessionTarget,
  info: TcpipRequestInfo,
  log: Logger,
): Promise<Forward> {
  if (
    !HOST.test(info.destIP) ||
    !Number.isInteger(info.destPort) ||
    info.destPort < 1 ||
    info.destPort > 65535
  )
    throw new Error(`invalid forward target ${info.destIP}:${info.destPort}`);
  const proc = await openTcpForwarder(sessions, target, info.destIP, info.destPort);
  return {
    attach(channel) {
      proc.stdout.pipe(channel);
      channel.pipe(proc.stdin);
      channel.once('close', () => proc.close());
      proc.exit.catch((error) => log.debug({ err: error }, 'port forward ended abnormally'));
    },
  };
}

/**
 * A forwarder to `host:port` on the workspace's own network, run as the workspace user; resolves
 * once it is connected (its stdin and stdout are then the connection's two directions).
 */
export async function openTcpForwarder(
  sessions: ProcessOpener,
  target: ExecTarget,
  host: string,
  port: number,
): Promise<ExecSession> {
  const proc = await sessions.open(target, { cmd: tcpForwarder(host, port) });
  await connected(proc);
  return proc;
}

/** Waits for the forwarder's `ok` on stderr; its other stderr output (or exit) explains a failure. */
function connected(proc: ExecSession): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    let up = false;
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.startsWith('ok\n')) {
        up = true;
        proc.stderr.off('data', onData);
        proc.stderr.resume();
        resolve();
      }
    };
    proc.stderr.on('data', onData);
    proc.exit.then(
      async (code) => {
        if (up) return;
        const out = await readAll(proc);
        reject(new Error(`forwarder exited ${code}: ${(text + out).trim() || 'no output'}`));
      },
      (error) => {
        if (!up) reject(error);
      },
    );
  });
}

async function readAll(proc: ExecSession): Promise<string> {
  let out = '';
  for await (const chunk of proc.stdout) out += String(chunk);
  return out;
}
