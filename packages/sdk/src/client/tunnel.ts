/**
 * The SSH tunnel: one HTTP connection upgraded to `hearth-ssh`, which then carries the bytes of
 * one SSH connection as they are (the socket is the stream: no framing, no masking). A server that
 * does not know that upgrade (older than the raw tunnel) answers 400; then the tunnel is one
 * WebSocket whose binary messages carry the bytes.
 *
 * It does not use the `ws` package. OpenSSH starts `hearth ssh --stdio` for every connection, so
 * this module's load time is every connection's time to first byte: the small framing in
 * ws-frames.ts loads in a few milliseconds, `ws` in about fifty. On http: the raw upgrade is
 * written and read over node:net (net-upgrade.ts); node:http (https, the WebSocket) and node:crypto
 * (the WebSocket key) load only when needed. The relay also moves every byte of an scp or rsync,
 * and writing frames straight to the socket keeps it cheap.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { paths, SSH_TUNNEL_UPGRADE } from '../routes.js';
import { errorFromResponse, unreachableError } from './errors.js';
import { apiUrl, baseHeaders, type Credentials } from './http.js';
import { upgradeOverNet } from './net-upgrade.js';
import { closePayload, controlFrame, FrameReader, frameHeader, Opcode } from './ws-frames.js';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const NORMAL_CLOSURE = 1000;

/**
 * Opens the SSH tunnel to `user`'s workspace `name` and resolves with it as a byte stream once
 * the server has accepted it. A refusal (401, 404, 409…) rejects with the server's error.
 */
export async function openSshTunnel(t: Credentials, user: string, name: string): Promise<Duplex> {
  const url = new URL(apiUrl(t.baseUrl, paths.sshTunnel(user, name)));
  try {
    return url.protocol === 'http:' ? await rawOverNet(t, url) : await upgrade(t, url, undefined);
  } catch (err) {
    if (!(err instanceof OldServer)) throw err;
    const { createHash, randomBytes } = await import('node:crypto');
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1')
      .update(key + ACCEPT_GUID)
      .digest('base64');
    return upgrade(t, url, { key, accept });
  }
}

/** The raw tunnel from a server on http:, asked for over node:net (net-upgrade.ts). */
async function rawOverNet(t: Credentials, url: URL): Promise<Duplex> {
  const headers = { ...baseHeaders(t), host: url.host, upgrade: SSH_TUNNEL_UPGRADE };
  const endpoint = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
  let answer: Awaited<ReturnType<typeof upgradeOverNet>>;
  try {
    answer = await upgradeOverNet(endpoint, `${url.pathname}${url.search}`, headers);
  } catch (err) {
    throw unreachableError(t.baseUrl, err);
  }
  if (answer.upgraded) return rawTunnel(answer.socket, Buffer.alloc(0));
  if (answer.status === 400 && !(answer.headers.get('content-type') ?? '').startsWith('application/json'))
    throw new OldServer();
  throw errorFromResponse(answer.status, answer.statusText, answer.body);
}

/** The answer of a server that knows only the WebSocket tunnel: ws refuses the upgrade with a bare 400. */
class OldServer extends Error {}

/**
 * The raw tunnel when `ws` is undefined (an https: server), else the WebSocket tunnel with that key,
 * and the accept value a WebSocket server answers it with.
 */
async function upgrade(
  t: Credentials,
  url: URL,
  ws: { key: string; accept: string } | undefined,
): Promise<Duplex> {
  const headers = {
    ...baseHeaders(t),
    connection: 'Upgrade',
    ...(ws === undefined
      ? { upgrade: SSH_TUNNEL_UPGRADE }
      : { upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': ws.key }),
  };
  // A connection of its own: a refused upgrade must not leave a socket in the keep-alive pool.
  const options = { headers, agent: false };
  const { request: send } =
    url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const request = send(url, options);
  return new Promise((resolve, reject) => {
    request.once('error', (err) => reject(unreachableError(t.baseUrl, err)));
    request.once('response', (res) => {
      if (ws === undefined && res.statusCode === 400 && !isJson(res)) {
        res.resume();
        reject(new OldServer());
      } else void refusal(res).then(reject, reject);
    });
    request.once('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (ws === undefined) {
        request.removeAllListeners('error');
        resolve(rawTunnel(socket, head));
        return;
      }
      if (res.headers['sec-websocket-accept'] !== ws.accept) {
        socket.destroy();
        reject(
          unreachableError(
            t.baseUrl,
            new Error('the server answered the upgrade without a valid websocket accept'),
          ),
        );
        return;
      }
      request.removeAllListeners('error');
      resolve(new Tunnel(socket, head));
    });
    request.end();
  });
}

function isJson(res: IncomingMessage): boolean {
  return (res.headers['content-type'] ?? '').startsWith('application/json');
}

/** The upgraded socket is the SSH stream; bytes that came with the 101 are read first. */
function rawTunnel(socket: Socket, head: Buffer): Duplex {
  socket.setNoDelay(true);
  if (head.length > 0) socket.unshift(head);
  return socket;
}

/** The server's error for a tunnel it refused before upgrading. */
async function refusal(res: IncomingMessage): Promise<Error> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return errorFromResponse(res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks).toString());
}

/**
 * The open tunnel. Writing sends binary frames; ending sends a close frame, after which the
 * server closes too. Reading yields the payload of the server's binary frames, with backpressure:
 * the socket pauses while the reader is behind.
 */
class Tunnel extends Duplex {
  readonly #socket: Socket;
  #closeSent = false;

  constructor(socket: Socket, head: Buffer) {
    super();
    this.#socket = socket;
    socket.setNoDelay(true);
    const reader = new FrameReader({
      data: (payload) => {
        if (!this.push(payload)) socket.pause();
      },
      control: (opcode, payload) => this.#control(opcode, payload),
    });
    const onData = (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        this.destroy(err as Error);
      }
    };
    socket.on('data', onData);
    socket.once('end', () => this.push(null));
    socket.once('close', () => this.push(null));
    socket.once('error', (err) => this.destroy(err));
    if (head.length > 0) onData(head);
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#socket.cork();
    this.#socket.write(frameHeader(Opcode.binary, chunk.length));
    this.#socket.write(chunk, callback);
    this.#socket.uncork();
  }

  /** What queued while the socket was busy goes as one frame, in one system call, uncopied. */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const length = chunks.reduce((sum, c) => sum + c.chunk.length, 0);
    this.#socket.cork();
    this.#socket.write(frameHeader(Opcode.binary, length));
    for (let i = 0; i < chunks.length - 1; i++) this.#socket.write(chunks[i]!.chunk);
    this.#socket.write(chunks[chunks.length - 1]!.chunk, callback);
    this.#socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#sendClose();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }

  #control(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.ping) this.#socket.write(controlFrame(Opcode.pong, payload));
    else if (opcode === Opcode.close) {
      // The server is done: answer its close, and the socket ends after that.
      this.#sendClose();
      this.#socket.end();
      this.push(null);
    }
  }

  #sendClose(): void {
    if (this.#closeSent || this.#socket.destroyed) return;
    this.#closeSent = true;
    this.#socket.write(controlFrame(Opcode.close, closePayload(NORMAL_CLOSURE)));
  }
}
