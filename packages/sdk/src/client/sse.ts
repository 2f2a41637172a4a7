/**
 * A small server-sent events parser (the WHATWG `text/event-stream` format), fed text as it
 * arrives. Only `event`, `data` and `id` matter to Hearth; `retry` and comments are ignored.
 */

/** One dispatched event. `event` defaults to `message` as in the spec. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Incremental parser: push decoded text in any chunking, get back the events it completed. */
export class SseParser {
  #buffer = '';
  // A chunk may end between the '\r' and '\n' of one line ending; the '\n' must not end a second line.
  #skipLeadingLf = false;
  #event = '';
  #data: string[] = [];
  #id: string | undefined;

  /** Parses `text` and returns the events completed by it, in order. */
  push(text: string): SseMessage[] {
    let input = text;
    if (this.#skipLeadingLf && input.startsWith('\n')) input = input.slice(1);
    this.#skipLeadingLf = false;
    this.#buffer += input;
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const ch = this.#buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.#line(this.#buffer.slice(start, i), out);
      if (ch === '\r') {
        if (i + 1 === this.#buffer.length) this.#skipLeadingLf = true;
        else if (this.#buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === '') {
      // The spec dispatches only events that carried data.
      if (this.#data.length > 0) {
        const msg: SseMessage = { event: this.#event || 'message', data: this.#data.join('\n') };
        if (this.#id !== undefined) msg.id = this.#id;
        out.push(msg);
      }
      this.#reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }

  #reset(): void {
    this.#event = '';
    this.#data = [];
  }
}

/**
 * Reads an SSE response body to its end, yielding each event. Breaking out of the loop cancels
 * the body, which closes the connection.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const value of body) yield* parser.push(decoder.decode(value, { stream: true }));
  // An event without its terminating blank line is dropped, as the spec says.
  yield* parser.push(decoder.decode());
}
