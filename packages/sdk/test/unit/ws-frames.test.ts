import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { closePayload, controlFrame, FrameReader, frameHeader, Opcode } from '../../src/client/ws-frames.js';

/** A frame as a server sends it: unmasked. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const len = length < 126 ? [length] : length < 65_536 ? [126, length >> 8, length & 0xff] : undefined;
  let header: Buffer;
  if (len) header = Buffer.from([(fin ? 0x80 : 0) | opcode, ...len]);
  else {
    header = Buffer.alloc(10);
    header[0] = (fin ? 0x80 : 0) | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

function read(wire: Buffer, sizes: number[]) {
  const data: Buffer[] = [];
  const control: [number, string][] = [];
  const reader = new FrameReader({
    data: (p) => data.push(Buffer.from(p)),
    control: (op, p) => control.push([op, p.toString('hex')]),
  });
  for (let offset = 0, i = 0; offset < wire.length; i++) {
    const n = sizes[i % sizes.length]!;
    reader.push(wire.subarray(offset, offset + n));
    offset += n;
  }
  return { data: Buffer.concat(data), control };
}

describe('frameHeader', () => {
  it('sets FIN, the opcode, the mask bit with a zero key, and the length in its three sizes', () => {
    assert.deepEqual([...frameHeader(Opcode.binary, 5)], [0x82, 0x85, 0, 0, 0, 0]);
    assert.deepEqual([...frameHeader(Opcode.binary, 300)], [0x82, 0xfe, 1, 44, 0, 0, 0, 0]);
    assert.deepEqual(
      [...frameHeader(Opcode.binary, 70_000)],
      [0x82, 0xff, 0, 0, 0, 0, 0, 1, 0x11, 0x70, 0, 0, 0, 0],
    );
  });

  it('builds a close frame with its status code', () => {
    assert.deepEqual(
      [...controlFrame(Opcode.close, closePayload(1000))],
      [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8],
    );
  });
});

describe('FrameReader', () => {
  const big = randomBytes(70_000);
  const mid = randomBytes(300);
  const wire = Buffer.concat([
    serverFrame(Opcode.binary, big),
    serverFrame(Opcode.ping, Buffer.from('hi')),
    serverFrame(Opcode.binary, mid, false),
    serverFrame(Opcode.continuation, Buffer.from('end')),
    serverFrame(Opcode.binary, Buffer.alloc(0)),
    serverFrame(Opcode.close, closePayload(1000)),
  ]);

  it('yields binary payload and whole control frames whatever the read boundaries', () => {
    for (const sizes of [[wire.length], [1], [2, 3], [10], [11], [65_536], [4096, 1, 9]]) {
      const got = read(wire, sizes);
      assert.ok(
        got.data.equals(Buffer.concat([big, mid, Buffer.from('end')])),
        `data with reads of ${sizes}`,
      );
      assert.deepEqual(got.control, [
        [Opcode.ping, Buffer.from('hi').toString('hex')],
        [Opcode.close, '03e8'],
      ]);
    }
  });

  it('hands payload on before its frame is complete', () => {
    const pieces: number[] = [];
    const reader = new FrameReader({ data: (p) => pieces.push(p.length), control: () => undefined });
    reader.push(serverFrame(Opcode.binary, big).subarray(0, 1010));
    assert.deepEqual(pieces, [1000]);
  });

  it('refuses what a server must not send on a binary tunnel', () => {
    const reader = () => new FrameReader({ data: () => undefined, control: () => undefined });
    assert.throws(() => reader().push(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 0])), /masked frame/);
    assert.throws(() => reader().push(serverFrame(Opcode.text, Buffer.from('x'))), /text on a binary tunnel/);
    assert.throws(() => reader().push(Buffer.from([0x89, 126, 0, 200])), /longer than 125 bytes/);
    assert.throws(() => reader().push(Buffer.from([0x83, 0])), /unknown opcode 3/);
  });
});
