/**
 * How a pub/sub message travels in NOTIFY payloads, which PostgreSQL limits to 8000 bytes: a
 * message that fits goes as one envelope `{ o, k, m }` (origin server, key, message); a longer one
 * (a long build-log line) as numbered parts `{ o, c, i, n, d }` of its envelope's UTF-8 in base64,
 * which {@link Reassembly} puts back together. One server's notifications arrive in the order it
 * sent them, so a message's parts are never reordered, only interleaved with other servers'.
 */

/** What one message carries across servers. */
export interface Envelope {
  /** The publishing server (its own notifications come back to it and are skipped). */
  readonly o: string;
  readonly k: string;
  readonly m: unknown;
}

interface Part {
  readonly o: string;
  /** The message's number among its origin's parted messages. */
  readonly c: number;
  readonly i: number;
  readonly n: number;
  readonly d: string;
}

/** PostgreSQL's limit is 8000 bytes; the rest is room for a part's own fields. */
export const PAYLOAD_LIMIT = 7900;
const PART_DATA = 7000;

/** The payloads that carry `envelope`; `sequence` numbers this origin's parted messages. */
export function toPayloads(envelope: Envelope, sequence: () => number): string[] {
  const whole = JSON.stringify(envelope);
  if (Buffer.byteLength(whole, 'utf8') <= PAYLOAD_LIMIT) return [whole];
  const data = Buffer.from(whole, 'utf8').toString('base64');
  const n = Math.ceil(data.length / PART_DATA);
  const c = sequence();
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      o: envelope.o,
      c,
      i,
      n,
      d: data.slice(i * PART_DATA, (i + 1) * PART_DATA),
    } satisfies Part),
  );
}

/** Turns received payloads back into envelopes; a part yields nothing until its message is whole. */
export class Reassembly {
  /** Per `origin:c`, the parts received so far. */
  readonly #pending = new Map<string, string[]>();

  /** The envelope `payload` completes, or undefined (a part, or a payload that is not ours). */
  receive(payload: string): Envelope | undefined {
    const parsed = parse(payload);
    if (!parsed || !('d' in parsed)) return parsed;
    const id = `${parsed.o}:${parsed.c}`;
    // A part 0 starts afresh: what a sender that died mid-message left is dropped here.
    if (parsed.i === 0) this.#pending.set(id, []);
    const parts = this.#pending.get(id);
    if (!parts || parts.length !== parsed.i) {
      this.#pending.delete(id);
      return undefined;
    }
    parts.push(parsed.d);
    if (parts.length < parsed.n) return undefined;
    this.#pending.delete(id);
    return parse(Buffer.from(parts.join(''), 'base64').toString('utf8')) as Envelope | undefined;
  }
}

function parse(payload: string): Envelope | Part | undefined {
  try {
    const value = JSON.parse(payload) as Envelope | Part;
    return typeof value === 'object' && value !== null && typeof value.o === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
