/**
 * The SSH tunnel's WebSocket as the byte stream the gateway speaks SSH on: ws's own duplex, with
 * writes gathered. ssh2 writes every SSH packet (at most 32 KiB of data) as a write of its own;
 * each was a WebSocket frame and a system call, and on the client a frame to take apart and a
 * write to OpenSSH. Now what ssh2 writes during one turn of the event loop leaves at its end as
 * one frame (one copy, one call). Backpressure stays: a write completes at once while less than
 * {@link PENDING_LIMIT} waits for the socket, else only once the socket has taken it.
 */
import type { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';

/** Bytes gathered or queued in the socket beyond which a write waits for the socket. */
const PENDING_LIMIT = 1024 * 1024;

export function tunnelStream(ws: WebSocket): Duplex {
  const duplex = createWebSocketStream(ws);
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let waiting: ((error?: Error | null) => void) | undefined;
  const flush = () => {
    if (gathered.length === 0) return;
    const data = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    gatheredBytes = 0;
    ws.send(data, { binary: true }, (error) => {
      const next = waiting;
      waiting = undefined;
      if (error) duplex.destroy(error);
      else next?.();
    });
  };
  duplex._write = (chunk: Buffer, _encoding, callback) => {
    if (gathered.length === 0) setImmediate(flush);
    gathered.push(chunk);
    gatheredBytes += chunk.length;
    if (gatheredBytes + ws.bufferedAmount < PENDING_LIMIT) callback();
    else waiting = callback;
  };
  // What is gathered goes out before the close frame that ending sends.
  const finalOne = duplex._final.bind(duplex);
  duplex._final = (callback) => {
    flush();
    finalOne(callback);
  };
  return duplex;
}
