/**
 * The multiplexing forwarder's program inside the workspace: one exec, started once per workspace
 * and reused by every browser connection, carries many TCP streams to ports on the workspace's own
 * loopback over its stdin and stdout (framing in mux-codec.ts). It runs on the Node that
 * `hearth-cli` brings into every workspace, so images need nothing extra.
 *
 * `remoteMain` is never called in the server: its source text is the program (like the codec's),
 * so it may use only its parameters and globals.
 */
import type * as Net from 'node:net';
import { TOOL_NODE } from '../runtime/runtime.js';
import { type MuxCodec, muxCodec } from './mux-codec.js';

export function remoteMain(codec: MuxCodec, net: typeof Net): void {
  const { T, WINDOW, CREDIT_STEP } = codec;
  // Our own handles on the pipes: process.stdout writes to a pipe synchronously.
  const out = new net.Socket({ fd: 1, readable: false, writable: true });
  const input = new net.Socket({ fd: 0, readable: true, writable: false });
  const send = codec.outbox((data) => {
    out.write(data);
  });
  interface Stream {
    socket: Net.Socket;
    credit: number;
    /** Bytes handed to the socket, and how many of them were credited back to the server. */
    written: number;
    credited: number;
  }
  const streams = new Map<number, Stream>();

  const open = (id: number, port: number) => {
    // A dev server may listen on IPv4's loopback or only on IPv6's (`::1`): try one, then the other.
    const attempt = (hosts: string[], firstError?: Error) => {
      const socket = net.connect({ host: hosts[0]!, port, noDelay: true, allowHalfOpen: true });
      const failed = (error: Error) => {
        if (hosts.length > 1) return attempt(hosts.slice(1), firstError ?? error);
        send(T.fail, id, Buffer.from((firstError ?? error).message));
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        const stream: Stream = { socket, credit: WINDOW, written: 0, credited: 0 };
        streams.set(id, stream);
        socket.on('drain', () => creditBack(id, stream));
        send(T.opened, id);
        socket.on('data', (chunk: Buffer) => {
          send(T.data, id, chunk);
          stream.credit -= chunk.length;
          if (stream.credit <= 0) socket.pause();
        });
        socket.on('end', () => send(T.end, id));
        socket.on('error', () => {});
        socket.on('close', () => {
          if (streams.get(id) !== stream) return;
          streams.delete(id);
          send(T.close, id);
        });
      });
    };
    attempt(['127.0.0.1', '::1']);
  };

  // What left the socket's buffer (for the kernel) is passed on: the server may send that much more.
  // Counted from the socket's buffer, not a callback per write: a request costs no closure here.
  const creditBack = (id: number, stream: Stream) => {
    const passed = stream.written - stream.socket.writableLength - stream.credited;
    if (passed < CREDIT_STEP || !streams.has(id)) return;
    send(T.credit, id, codec.u32(passed));
    stream.credited += passed;
  };

  const onFrame = (type: number, id: number, payload: Buffer) => {
    if (type === T.open) return open(id, payload.readUInt16BE(0));
    const stream = streams.get(id);
    if (!stream) return;
    if (type === T.data) {
      stream.socket.write(payload);
      stream.written += payload.length;
      creditBack(id, stream);
    } else if (type === T.end) stream.socket.end();
    else if (type === T.credit) {
      stream.credit += payload.readUInt32BE(0);
      if (stream.credit > 0) stream.socket.resume();
    } else if (type === T.close) {
      streams.delete(id);
      stream.socket.destroy();
    }
  };

  input.on('data', codec.reader(onFrame));
  // The server went away (or closed the exec): every stream goes with it.
  const quit = () => process.exit(0);
  input.on('end', quit);
  input.on('error', quit);
  out.on('error', quit);
  send(T.hello, 0, Buffer.from([codec.VERSION]));
}

/** The forwarder's process in the workspace names itself with this argument (for `ps`, and tests). */
const FORWARDER_MARK = 'hearth-port-forwarder';

/** The forwarder's command: Node running the codec and `remoteMain` from their own source. */
export function muxForwarderCommand(): string[] {
  const program = `(${remoteMain.toString()})((${muxCodec.toString()})(), require('node:net'));`;
  // No V8 flag (a heap limit was one): any flag makes Node discard its built-in code cache and
  // compile its own modules at every start. The heap stays small anyway: the forwarder holds only
  // buffers in flight (outside the heap), at most a window's worth per stream.
  return [TOOL_NODE, '-e', program, FORWARDER_MARK];
}
