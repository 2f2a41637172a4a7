/**
 * Random bytes for the padding of outgoing SSH packets, cut from a pool that node:crypto's CSPRNG
 * fills 16 KiB at a time. ssh2 asks for 4 to 19 bytes per packet with randomFillSync, and each
 * call into OpenSSL costs far more than the bytes: a tenth of the server's CPU while it streams
 * (a CPU profile of bench:ssh). The bytes are the same CSPRNG output, each handed out once and
 * overwritten by the next fill; OpenSSH pads from a buffered stream (arc4random) the same way.
 * The server's bundle gives this function to ssh2's packet ciphers in place of randomFillSync
 * (scripts/bundle.js); nothing else uses it, and node:crypto is untouched.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
/** Bytes of `pool` already handed out: all of it until the first call fills it. */
let used = POOL_BYTES;

/** randomFillSync's contract (fills `size` bytes of `buffer` from `offset`, returns `buffer`), for small sizes from the pool. */
export function fillPadding<T extends NodeJS.ArrayBufferView>(
  buffer: T,
  offset = 0,
  size = buffer.byteLength - offset,
): T {
  if (size > POOL_BYTES / 16) return randomFillSync(buffer, offset, size);
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const target = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  target.set(pool.subarray(used, used + size), offset);
  used += size;
  return buffer;
}
