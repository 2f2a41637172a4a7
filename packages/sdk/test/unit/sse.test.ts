import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSse, type SseMessage, SseParser } from '../../src/client/sse.js';

function parseAll(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    const out = parseAll(['event: log\ndata: {"text":"hi"}\n\n']);
    assert.deepEqual(out, [{ event: 'log', data: '{"text":"hi"}' }]);
  });

  it('defaults the event name to message and joins data lines with newlines', () => {
    assert.deepEqual(parseAll(['data: a\ndata: b\n\n']), [{ event: 'message', data: 'a\nb' }]);
  });

  it('handles any chunking, even one character at a time', () => {
    const text = 'event: workspace\ndata: {"a":1}\n\nevent: log\ndata: x\n\n';
    assert.deepEqual(parseAll([...text]), parseAll([text]));
    assert.equal(parseAll([...text]).length, 2);
  });

  it('accepts CRLF and CR line endings, also split between chunks', () => {
    assert.deepEqual(parseAll(['data: a\r', '\n\r', '\n']), [{ event: 'message', data: 'a' }]);
    assert.deepEqual(parseAll(['data: b\r\r']), [{ event: 'message', data: 'b' }]);
  });

  it('ignores comments, unknown fields and events without data', () => {
    assert.deepEqual(parseAll([': keepalive\n\nretry: 10\nfoo: bar\nevent: end\n\n']), []);
  });

  it('strips exactly one space after the colon and keeps a field without a colon', () => {
    assert.deepEqual(parseAll(['data:  two\ndata\n\n']), [{ event: 'message', data: ' two\n' }]);
  });

  it('keeps the last event id across events', () => {
    const out = parseAll(['id: 7\ndata: a\n\ndata: b\n\n']);
    assert.deepEqual(
      out.map((m) => m.id),
      ['7', '7'],
    );
  });

  it('resets the event name after each dispatch', () => {
    const out = parseAll(['event: log\ndata: a\n\ndata: b\n\n']);
    assert.deepEqual(
      out.map((m) => m.event),
      ['log', 'message'],
    );
  });
});

describe('readSse', () => {
  it('decodes a byte stream, including a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo\n\n');
    const split = [bytes.slice(0, 8), bytes.slice(8)];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of split) c.enqueue(b);
        c.close();
      },
    });
    const out: SseMessage[] = [];
    for await (const m of readSse(body)) out.push(m);
    assert.deepEqual(out, [{ event: 'message', data: 'héllo' }]);
  });

  it('drops a trailing event that never got its blank line', async () => {
    const out: SseMessage[] = [];
    for await (const m of readSse(streamOf(['data: a\n\n', 'data: cut']))) out.push(m);
    assert.deepEqual(out, [{ event: 'message', data: 'a' }]);
  });

  it('cancels the body when the consumer stops early', async () => {
    let canceled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        canceled = true;
      },
    });
    for await (const _ of readSse(body)) break;
    assert.equal(canceled, true);
  });
});
