import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Demuxer, type OutputStream } from '../../../src/runtime/docker/demux.js';

function record(kind: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `wire` in pieces of the given sizes (cycled) and collects what comes out per stream. */
function demux(wire: Buffer, sizes: number[]) {
  const out: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  const d = new Demuxer((stream, payload) => out[stream].push(Buffer.from(payload)));
  for (let offset = 0, i = 0; offset < wire.length; i++) {
    const n = sizes[i % sizes.length]!;
    d.push(wire.subarray(offset, offset + n));
    offset += n;
  }
  return { stdout: Buffer.concat(out.stdout), stderr: Buffer.concat(out.stderr), atBoundary: d.atBoundary };
}

describe('Demuxer', () => {
  const a = randomBytes(70_000);
  const b = Buffer.from('warning: something\n');
  const c = randomBytes(5);
  const wire = Buffer.concat([record(1, a), record(2, b), record(1, Buffer.alloc(0)), record(1, c)]);

  it('separates stdout and stderr whatever the read boundaries', () => {
    for (const sizes of [[wire.length], [1], [3, 7], [8], [9], [65_536], [4096, 1, 17]]) {
      const got = demux(wire, sizes);
      assert.ok(got.stdout.equals(Buffer.concat([a, c])), `stdout with reads of ${sizes}`);
      assert.ok(got.stderr.equals(b), `stderr with reads of ${sizes}`);
      assert.equal(got.atBoundary, true);
    }
  });

  it('hands payload on before its record is complete, and knows it is mid-record', () => {
    const pieces: number[] = [];
    const d = new Demuxer((_stream, payload) => pieces.push(payload.length));
    d.push(record(1, a).subarray(0, 1008));
    assert.deepEqual(pieces, [1000]);
    assert.equal(d.atBoundary, false);
  });

  it("sends records marked stdin to stdout, as the engine's own client does", () => {
    assert.ok(demux(record(0, c), [100]).stdout.equals(c));
  });

  it('refuses a header that names no stream, instead of passing garbage on as output', () => {
    const d = new Demuxer(() => undefined);
    assert.throws(() => d.push(Buffer.from('hello world!')), /record header names stream 104/);
  });
});
