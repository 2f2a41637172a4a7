/**
 * HTTP/1.1 as the Node client speaks it for request/response calls (`net-request.ts`): one request
 * per connection (`Connection: close`), its head written here, and the response read by
 * {@link ResponseReader} from bytes in any chunking: the status line, headers, and a body framed
 * by Content-Length, by chunked transfer coding, or by the end of the connection. Pure: no I/O.
 * The server's app proxy reads its upstreams' responses with the same reader, streaming the body.
 */

/** Node's limit on a response head (`--max-http-header-size`), here for the whole head. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A response that breaks the protocol, with the code node's own HTTP parser gives it. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super(`Parse Error: ${reason}`);
  }
}

// What node:http refuses in a header value, and what a header name (an HTTP token) may hold.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Methods whose request has a body by default: node:http sends `Content-Length: 0` for none.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const EMPTY = Buffer.alloc(0);
/** The end of a head, as a buffer: searching for a string would encode it on every search. */
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
// Connection options (case-insensitive, as node's parser reads them).
const CLOSE = /(^|,)\s*close\s*(,|$)/i;
const KEEP_ALIVE = /(^|,)\s*keep-alive\s*(,|$)/i;

/**
 * The head of a request with `bodyBytes` of body (undefined: none), as node:http writes it, with
 * `Connection: close` (or `Connection: Upgrade`, for a request that asks for an upgrade with its
 * `upgrade` header). Throws node's TypeError for a header node:http would refuse (a token with a
 * line break must not become two headers).
 */
export function requestHead(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  bodyBytes: number | undefined,
  connection: 'close' | 'Upgrade' = 'close',
): string {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name))
      throw invalidHeader('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
    if (INVALID_VALUE.test(value))
      throw invalidHeader('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
    head += `${name}: ${value}\r\n`;
  }
  const length = bodyBytes ?? (BODY_METHODS.has(method) ? 0 : undefined);
  if (length !== undefined) head += `Content-Length: ${length}\r\n`;
  return `${head}Connection: ${connection}\r\n\r\n`;
}

function invalidHeader(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** A response's status line and headers (names in lowercase; repeated ones joined with `, `). */
export interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReadonlyMap<string, string>;
  /** The headers as sent, name, value, name, value…: spelling, order and repeats (Set-Cookie) kept. */
  readonly rawHeaders: readonly string[];
  /** The body's length is known up front (Content-Length, or no body at all). */
  readonly sized: boolean;
}

/** Where a streaming {@link ResponseReader} hands the response as it comes (see its constructor). */
export interface ResponseSink {
  /** The head is complete; called before any of the body. */
  head(head: ResponseHead): void;
  /** A piece of the body, transfer coding removed. */
  body(chunk: Buffer): void;
}

type Framing =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; left: number; phase: 'size' | 'data' | 'data-end' | 'trailers' }
  | { kind: 'close' };

/**
 * Reads one response from the bytes of its connection: {@link push} each chunk as it arrives,
 * {@link end} at the end of the connection. `head` is set once the head is complete; `done` once
 * the body is, which `body()` then holds whole, unless a `sink` was given: then the head and each
 * piece of the body go to it as they come and nothing is held. Throws {@link HttpParseError} for a
 * response that is not HTTP/1.x, and node's `aborted` (ECONNRESET) for one that ends early.
 * `reusable` says, once done, whether the connection may carry another request (keep-alive).
 */
export class ResponseReader {
  head: ResponseHead | undefined;
  done = false;
  #pending: Buffer = EMPTY;
  #framing: Framing = { kind: 'none' };
  readonly #chunks: Buffer[] = [];
  #keepAlive = false;

  constructor(
    private readonly method: string,
    private readonly sink?: ResponseSink,
  ) {}

  /** Done, and the connection is left between messages with nothing said against reusing it. */
  get reusable(): boolean {
    return this.done && this.#keepAlive && this.#framing.kind !== 'close' && this.#pending.length === 0;
  }

  /** The body, whole: only once {@link done}. */
  body(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (!this.done && this.#step()) {
      // Each step consumes what it can of #pending; it returns false when it needs more bytes.
    }
  }

  /** The connection ended: a body framed by the connection ends here, any other one is cut short. */
  end(): void {
    if (this.done) return;
    if (this.head === undefined) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (this.#framing.kind === 'close') {
      this.done = true;
      return;
    }
    throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  }

  #step(): boolean {
    if (this.head === undefined) return this.#readHead();
    const f = this.#framing;
    if (f.kind === 'close') {
      this.#take(this.#pending.length);
      return false;
    }
    if (f.kind === 'length') {
      f.left -= this.#take(f.left);
      if (f.left === 0) this.done = true;
      return false;
    }
    if (f.kind === 'chunked') return this.#readChunked(f);
    this.done = true;
    return false;
  }

  /** Moves up to `max` pending bytes into the body; returns how many. */
  #take(max: number): number {
    const n = Math.min(max, this.#pending.length);
    if (n > 0) {
      const piece = this.#pending.subarray(0, n);
      if (this.sink) this.sink.body(piece);
      else this.#chunks.push(piece);
      this.#pending = this.#pending.subarray(n);
    }
    return n;
  }

  /** The next CRLF-ended line of #pending (without its CRLF), consumed; undefined until it is whole. */
  #line(limit: number, overflow: string): string | undefined {
    const at = this.#pending.indexOf('\r\n');
    if (at === -1) {
      if (this.#pending.length > limit) throw new HttpParseError(overflow, 'line too long');
      return undefined;
    }
    const line = this.#pending.subarray(0, at).toString('latin1');
    this.#pending = this.#pending.subarray(at + 2);
    return line;
  }

  #readHead(): boolean {
    const pending = this.#pending;
    const end = pending.indexOf(HEAD_END);
    if (end === -1) {
      if (pending.length > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
      return false;
    }
    if (end + 4 > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
    // One string for the head, read line by line in place: no array of lines, no copy per line
    // beyond the name and value kept.
    const text = pending.toString('latin1', 0, end);
    this.#pending = pending.subarray(end + 4);
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const status = STATUS_LINE.exec(text.slice(0, eol));
    if (status === null) throw new HttpParseError('HPE_INVALID_CONSTANT', 'Expected HTTP/');
    const headers = new Map<string, string>();
    const rawHeaders: string[] = [];
    // The headers framing and reuse depend on, read as they go by (node's own parser does the same).
    let coding: string | undefined;
    let length: string | undefined;
    let connection = '';
    for (let at = eol + 2; at < text.length; at = eol + 2) {
      eol = text.indexOf('\r\n', at);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(':', at);
      if (colon <= at || colon >= eol)
        throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      const spelled = text.slice(at, colon);
      if (!TOKEN.test(spelled)) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      const name = spelled.toLowerCase();
      const value = text.slice(colon + 1, eol).trim();
      rawHeaders.push(spelled, value);
      const before = headers.get(name);
      const joined = before === undefined ? value : `${before}, ${value}`;
      headers.set(name, joined);
      if (name === 'transfer-encoding') coding = joined;
      else if (name === 'content-length') length = joined;
      else if (name === 'connection') connection = joined;
    }
    const code = Number(status[2]);
    // An interim answer (100 Continue, 103 Early Hints): the real one follows on the same connection.
    if (code >= 100 && code < 200) return true;
    this.#framing = this.#framingOf(code, coding, length);
    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when told to.
    this.#keepAlive =
      status[1] === '1'
        ? connection === 'keep-alive' || (connection !== 'close' && !CLOSE.test(connection))
        : KEEP_ALIVE.test(connection);
    const sized = this.#framing.kind === 'none' || this.#framing.kind === 'length';
    this.head = { status: code, statusText: status[3] ?? '', headers, rawHeaders, sized };
    this.sink?.head(this.head);
    return true;
  }

  #framingOf(status: number, coding: string | undefined, length: string | undefined): Framing {
    if (this.method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
    if (coding !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(coding)) return { kind: 'close' };
      return { kind: 'chunked', left: 0, phase: 'size' };
    }
    if (length === undefined) return { kind: 'close' };
    if (!/^\d{1,15}$/.test(length))
      throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
    return { kind: 'length', left: Number(length) };
  }

  #readChunked(f: Extract<Framing, { kind: 'chunked' }>): boolean {
    if (f.phase === 'data') {
      f.left -= this.#take(f.left);
      if (f.left > 0) return false;
      f.phase = 'data-end';
    }
    if (f.phase === 'data-end') {
      if (this.#pending.length < 2) return false;
      if (this.#pending[0] !== 0x0d || this.#pending[1] !== 0x0a) {
        throw new HttpParseError('HPE_STRICT', 'Expected LF after chunk data');
      }
      this.#pending = this.#pending.subarray(2);
      f.phase = 'size';
    }
    if (f.phase === 'size') {
      const line = this.#line(1024, 'HPE_INVALID_CHUNK_SIZE');
      if (line === undefined) return false;
      // A size may carry extensions (`1a;name=value`): only the hex digits count.
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (size === null)
        throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
      f.left = Number.parseInt(size[1] ?? '', 16);
      f.phase = f.left === 0 ? 'trailers' : 'data';
      return true;
    }
    // Trailers: header lines after the last chunk, up to an empty line; the client reads none.
    for (;;) {
      const line = this.#line(MAX_HEAD_BYTES, 'HPE_HEADER_OVERFLOW');
      if (line === undefined) return false;
      if (line === '') {
        this.done = true;
        return false;
      }
    }
  }
}
