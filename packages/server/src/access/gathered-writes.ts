/**
 * ssh2 writes every SSH packet to its socket as a write of its own, and a packet carries at most
 * 32 KiB of data (OpenSSH's maximum for a session channel): a system call per packet, and on
 * loopback the receiving side of TCP runs inside each one. With the socket corked from its first
 * write in a turn of the event loop to the end of that turn, the packets written during the turn
 * leave together in one writev. Backpressure is untouched: each write still reports the socket's
 * buffer as before.
 */
import type { Socket } from 'node:net';

/** Makes what is written to `socket` during one turn of the event loop go out as one writev. */
export function gatherWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
