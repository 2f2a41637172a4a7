/**
 * SSH clients for tests (ssh2): over the WebSocket tunnel or to the plain SSH listener, always
 * verifying the server's announced host key; and sessions whose output, exit code and end a test
 * can wait for.
 */
import type { Duplex } from 'node:stream';
import type { HearthClient } from '@hearth/sdk';
import ssh2 from 'ssh2';

/** What a finished session left. */
export interface SshResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * An SSH connection over a new tunnel, or over `tunnel` when the test holds on to it, verifying
 * the server's announced host key.
 */
export async function connectSsh(
  client: HearthClient,
  owner: string,
  name: string,
  tunnel?: Duplex,
): Promise<ssh2.Client> {
  const [sock, { hostKey }] = await Promise.all([
    tunnel ?? client.openSshTunnel(owner, name),
    client.sshHostKey(),
  ]);
  return connect({ sock: sock as Duplex, username: 'anyone' }, hostKey);
}

/**
 * An SSH connection to the plain listener at `address` (`host:port`) as `username`, with the
 * given authentication (`privateKey`, `agent`, `password`…); rejects when it is refused.
 */
export function loginSsh(
  address: string,
  hostKey: string,
  username: string,
  auth: Partial<ssh2.ConnectConfig>,
): Promise<ssh2.Client> {
  const at = address.lastIndexOf(':');
  return connect(
    { host: address.slice(0, at), port: Number(address.slice(at + 1)), username, ...auth },
    hostKey,
  );
}

function connect(config: ssh2.ConnectConfig, hostKey: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    conn.once('ready', () => resolve(conn));
    conn.once('error', reject);
    conn.connect({
      ...config,
      hostVerifier: (key: Buffer) => key.toString('base64') === hostKey.split(' ')[1],
    });
  });
}

/**
 * Starts `command` in a new session: `output` resolves at its first byte of stdout, `ended` with
 * everything once the channel closes.
 */
export function openSession(
  conn: ssh2.Client,
  command: string,
): { output: Promise<void>; ended: Promise<SshResult> } {
  let started: () => void = () => undefined;
  const output = new Promise<void>((resolve) => {
    started = resolve;
  });
  const ended = new Promise<SshResult>((resolve, reject) => {
    conn.exec(command, (err, channel) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code = -1;
      channel.on('data', (c: Buffer) => {
        stdout += c;
        started();
      });
      channel.stderr.on('data', (c: Buffer) => {
        stderr += c;
      });
      channel.on('exit', (status: number | null) => {
        code = status ?? -1;
      });
      channel.on('close', () => resolve({ code, stdout, stderr }));
    });
  });
  return { output, ended };
}

/** Runs `command` in a new session; resolves with its output and exit code. */
export function execSsh(conn: ssh2.Client, command: string): Promise<SshResult> {
  return openSession(conn, command).ended;
}

/**
 * A client key pair ssh2 reads back. About one ed25519 key in 200 that ssh2's generator writes is
 * refused by its own parser (see newHostKey), which made tests that register a key fail now and then.
 */
export function sshKeyPair(
  type: 'ed25519' | 'ecdsa' = 'ed25519',
  comment = 'alice@laptop',
): ReturnType<typeof ssh2.utils.generateKeyPairSync> {
  for (let i = 0; i < 20; i++) {
    const pair = ssh2.utils.generateKeyPairSync(
      type,
      type === 'ecdsa' ? { bits: 256, comment } : { comment },
    );
    if (
      !(ssh2.utils.parseKey(pair.private) instanceof Error) &&
      !(ssh2.utils.parseKey(pair.public) instanceof Error)
    )
      return pair;
  }
  throw new Error('could not generate an SSH key pair ssh2 can read (20 tries)');
}
