/**
 * The framing of the multiplexing forwarder: many TCP streams over one exec's stdin and stdout.
 * Every frame is a 9-byte header (type, stream id, payload length; big-endian) and its payload.
 *
 * The codec is one self-contained function (no imports, no module-level names) because the same
 * code also runs inside the workspace: the forwarder's program is built from its source text (see
 * mux-remote.ts), so both ends always speak exactly this framing.
 */
export function muxCodec() {
  const HEADER = 9;
  /** Bigger payloads are a broken peer, not data: Node reads sockets in chunks of 64 KiB. */
  const MAX_PAYLOAD = 16 * 2 ** 20;
  const T = {
    /** Worker → server, id 0, once it runs: payload the protocol version (1 byte). */
    hello: 0,
    /** Server → worker: connect stream `id` to the port (u16) on the workspace's loopback. */
    open: 1,
    /** Worker → server: stream `id` is connected. */
    opened: 2,
    /** Worker → server: stream `id` could not connect; payload the reason (UTF-8). */
    fail: 3,
    data: 4,
    /** The sender will send no more data on `id` (a half-close). */
    end: 5,
    /** Stream `id` is gone, both ways; nothing more is sent on it. */
    close: 6,
    /** The sender has passed on this many (u32) of the bytes it received on `id`: more may come. */
    credit: 7,
  } as const;
  /** Bytes a side may send on a stream before the other side's credit: per-stream backpressure. */
  const WINDOW = 1024 * 1024;
  /** Credit is returned in pieces at least this big (small requests never need any). */
  const CREDIT_STEP = WINDOW / 4;

  const u32 = (n: number): Buffer => {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(n, 0);
    return b;
  };

  /**
   * A sender that collects the frames of one turn of the event loop and writes them at once, as one
   * buffer: under load, many streams' frames cost one write and one wake-up on the other side. The
   * frames' headers are written straight into that buffer (no buffer per frame, no concat).
   */
  const outbox = (write: (data: Buffer) => void) => {
    const types: number[] = [];
    const ids: number[] = [];
    const payloads: (Buffer | undefined)[] = [];
    let bytes = 0;
    const flush = () => {
      const out = Buffer.allocUnsafe(bytes);
      let at = 0;
      for (let i = 0; i < types.length; i++) {
        const payload = payloads[i];
        const length = payload ? payload.length : 0;
        out[at] = types[i]!;
        out.writeUInt32BE(ids[i]!, at + 1);
        out.writeUInt32BE(length, at + 5);
        at += HEADER;
        if (payload && length > 0) at += payload.copy(out, at);
      }
      types.length = 0;
      ids.length = 0;
      payloads.length = 0;
      bytes = 0;
      write(out);
    };
    return (type: number, id: number, payload?: Buffer): void => {
      if (types.length === 0) setImmediate(flush);
      types.push(type);
      ids.push(id);
      payloads.push(payload);
      bytes += HEADER + (payload ? payload.length : 0);
    };
  };

  /** A reader of frames from chunks cut anywhere; throws on a frame no peer would send. */
  const reader = (onFrame: (type: number, id: number, payload: Buffer) => void) => {
    let pending: Buffer = Buffer.alloc(0);
    return (chunk: Buffer): void => {
      const buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (buf.length - at >= HEADER) {
        const length = buf.readUInt32BE(at + 5);
        if (length > MAX_PAYLOAD) throw new Error(`mux: a frame of ${length} bytes is too big`);
        if (buf.length - at - HEADER < length) break;
        const start = at + HEADER;
        at = start + length;
        onFrame(buf[start - HEADER]!, buf.readUInt32BE(start - HEADER + 1), buf.subarray(start, at));
      }
      pending = buf.subarray(at);
    };
  };

  return { T, WINDOW, CREDIT_STEP, VERSION: 1, u32, outbox, reader };
}

export type MuxCodec = ReturnType<typeof muxCodec>;
