/**
 * The engine's multiplexed attach stream (no TTY): records of an 8-byte header — the stream
 * (0 stdin, 1 stdout, 2 stderr), three zero bytes, the payload length as a big-endian uint32 —
 * followed by the payload. A record may arrive split across reads, and one read may hold many.
 *
 * Payload is handed on as it arrives, as views into the read buffers: nothing is copied or held
 * back, which matters when a session streams hundreds of megabytes.
 */

/** Which of the process's outputs a piece of payload belongs to. */
export type OutputStream = 'stdout' | 'stderr';

const HEADER_BYTES = 8;

export class Demuxer {
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerBytes = 0;
  #stream: OutputStream = 'stdout';
  /** Payload bytes of the current record still to come. */
  #remaining = 0;
  readonly #emit: (stream: OutputStream, payload: Buffer) => void;

  constructor(emit: (stream: OutputStream, payload: Buffer) => void) {
    this.#emit = emit;
  }

  /** True between records: the stream may end here without losing or cutting anything. */
  get atBoundary(): boolean {
    return this.#headerBytes === 0 && this.#remaining === 0;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining > 0) {
        const end = Math.min(chunk.length, offset + this.#remaining);
        this.#remaining -= end - offset;
        this.#emit(this.#stream, chunk.subarray(offset, end));
        offset = end;
        continue;
      }
      const copied = chunk.copy(
        this.#header,
        this.#headerBytes,
        offset,
        offset + HEADER_BYTES - this.#headerBytes,
      );
      this.#headerBytes += copied;
      offset += copied;
      if (this.#headerBytes < HEADER_BYTES) return;
      this.#headerBytes = 0;
      const kind = this.#header[0];
      if (kind !== 0 && kind !== 1 && kind !== 2)
        throw new Error(`engine attach stream: record header names stream ${kind}, expected 0, 1 or 2`);
      this.#stream = kind === 2 ? 'stderr' : 'stdout';
      this.#remaining = this.#header.readUInt32BE(4);
    }
  }
}
