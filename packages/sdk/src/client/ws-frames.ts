/**
 * The WebSocket framing (RFC 6455 §5) a client needs for a binary tunnel: headers for the frames
 * it sends, and a reader for the frames the server sends. Pure: bytes in, calls out.
 *
 * Client frames carry the mask bit with an all-zero key, which leaves the payload as it is: the
 * tunnel carries SSH ciphertext, which no script can choose, so masking would protect nothing
 * while both ends spent time XOR-ing every byte.
 */

export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** The header of a client frame with `length` bytes of payload (which follows it unchanged). */
export function frameHeader(opcode: number, length: number): Buffer {
  const extra = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + extra + 4); // the 4-byte masking key stays zero
  header[0] = 0x80 | opcode; // FIN: every frame we send is a whole message
  if (extra === 0) header[1] = 0x80 | length;
  else if (extra === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return header;
}

/** A whole client frame: a close (with its status code), ping or pong. */
export function controlFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(opcode, payload.length), payload]);
}

/** A close frame's payload: the status code, then an optional UTF-8 reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

export interface FrameHandler {
  /** Payload of a binary message, piece by piece as it arrives (a view into the read buffer). */
  data(payload: Buffer): void;
  /** A whole control frame: close, ping or pong. */
  control(opcode: number, payload: Buffer): void;
}

/** The longest header a server frame can have: 2 bytes, 8 of extended length, no mask. */
const MAX_HEADER = 10;

/** Reads server frames from the socket's chunks, whatever their boundaries. */
export class FrameReader {
  readonly #handler: FrameHandler;
  readonly #header = Buffer.alloc(MAX_HEADER);
  #headerBytes = 0;
  #opcode = 0;
  /** Payload bytes of the current frame still to come. */
  #remaining = 0;
  /** A control frame's payload, collected whole. */
  #control: Buffer[] | undefined;

  constructor(handler: FrameHandler) {
    this.#handler = handler;
  }

  /** Throws on a frame a server must not send (masked, text, oversized control frame). */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining > 0) {
        const end = Math.min(chunk.length, offset + this.#remaining);
        this.#remaining -= end - offset;
        this.#payload(chunk.subarray(offset, end));
        offset = end;
        continue;
      }
      offset += this.#readHeader(chunk, offset);
    }
  }

  /** Copies header bytes from `chunk`; returns how many it took. Starts the frame once whole. */
  #readHeader(chunk: Buffer, offset: number): number {
    const need = this.#headerBytes < 2 ? 2 : headerLength(this.#header);
    const taken = chunk.copy(this.#header, this.#headerBytes, offset, offset + need - this.#headerBytes);
    this.#headerBytes += taken;
    if (this.#headerBytes < need) return taken;
    if (need === 2 && headerLength(this.#header) > 2) return taken; // the extended length follows
    this.#headerBytes = 0;
    this.#start();
    return taken;
  }

  #start(): void {
    const h = this.#header;
    if (h[1]! & 0x80) throw new Error('websocket: the server sent a masked frame');
    const opcode = h[0]! & 0x0f;
    const len7 = h[1]! & 0x7f;
    const length = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? Number(h.readBigUInt64BE(2)) : len7;
    if (opcode === Opcode.text) throw new Error('websocket: the server sent text on a binary tunnel');
    if (opcode >= Opcode.close) {
      if (length > 125) throw new Error('websocket: control frame longer than 125 bytes');
      this.#control = [];
    } else if (opcode !== Opcode.binary && opcode !== Opcode.continuation) {
      throw new Error(`websocket: unknown opcode ${opcode}`);
    }
    this.#opcode = opcode;
    this.#remaining = length;
    if (length === 0) this.#finish();
  }

  #payload(piece: Buffer): void {
    if (this.#control) this.#control.push(piece);
    else this.#handler.data(piece);
    if (this.#remaining === 0) this.#finish();
  }

  #finish(): void {
    if (!this.#control) return;
    const payload = Buffer.concat(this.#control);
    this.#control = undefined;
    this.#handler.control(this.#opcode, payload);
  }
}

/** The header's full length, known from its first two bytes. */
function headerLength(header: Buffer): number {
  const len7 = header[1]! & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
}
