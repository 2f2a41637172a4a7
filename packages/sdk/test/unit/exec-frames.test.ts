import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecChannel } from '../../src/api/events.js';
import {
  closeError,
  controlError,
  decodeFrame,
  encodeControl,
  encodeFrame,
  toWebSocketUrl,
} from '../../src/client/exec-frames.js';

describe('exec frames', () => {
  it('prefixes the payload with the channel byte', () => {
    const frame = encodeFrame(ExecChannel.stdin, Buffer.from('hi'));
    assert.deepEqual([...frame], [0, 0x68, 0x69]);
  });

  it('round-trips stdout and stderr, binary-safe', () => {
    const payload = Buffer.from([0, 255, 10, 13]);
    for (const channel of [ExecChannel.stdout, ExecChannel.stderr]) {
      const decoded = decodeFrame(encodeFrame(channel, payload));
      assert.equal(decoded.channel, channel);
      assert.ok('data' in decoded);
      assert.deepEqual(decoded.data, payload);
    }
  });

  it('encodes control messages as JSON on channel 3', () => {
    const frame = encodeControl({ type: 'resize', cols: 80, rows: 24 });
    assert.equal(frame[0], 3);
    assert.deepEqual(JSON.parse(frame.subarray(1).toString()), { type: 'resize', cols: 80, rows: 24 });
  });

  it('decodes an exit control message', () => {
    const decoded = decodeFrame(Buffer.concat([Buffer.from([3]), Buffer.from('{"type":"exit","code":42}')]));
    assert.deepEqual(decoded, { channel: 3, control: { type: 'exit', code: 42 } });
  });

  it('rejects empty frames, unknown channels and malformed control messages', () => {
    assert.throws(() => decodeFrame(Buffer.alloc(0)), /empty/);
    assert.throws(() => decodeFrame(Buffer.from([9, 1])), /unknown exec channel 9/);
    assert.throws(() => decodeFrame(Buffer.from([3, 0x7b])));
    assert.throws(
      () => decodeFrame(Buffer.concat([Buffer.from([3]), Buffer.from('{"type":"exit"}')])),
      /code/,
    );
  });
});

describe('closeError', () => {
  it('reads 4000 + status and the ErrorBody reason', () => {
    const err = closeError(4409, JSON.stringify({ code: 'workspace_stopped', message: 'dev is stopped' }));
    assert.equal(err.status, 409);
    assert.equal(err.code, 'workspace_stopped');
    assert.equal(err.message, 'dev is stopped');
  });

  it('reports a close before exit as a lost connection', () => {
    const err = closeError(1006, '');
    assert.equal(err.code, 'exec_disconnected');
    assert.match(err.message, /1006/);
  });

  it('reports a 4xxx close without a reason by its status', () => {
    const err = closeError(4409, '');
    assert.equal(err.status, 409);
    assert.equal(err.code, 'exec_failed');
  });

  it('copes with a 4xxx close whose reason is not JSON', () => {
    const err = closeError(4500, 'boom');
    assert.equal(err.status, 500);
    assert.equal(err.code, 'unexpected_response');
    assert.match(err.message, /boom/);
  });
});

describe('controlError', () => {
  it('turns the server’s error control message into an API error', () => {
    const frame = Buffer.concat([
      Buffer.from([3]),
      Buffer.from('{"type":"error","status":409,"code":"workspace_stopped","message":"dev is stopped"}'),
    ]);
    const decoded = decodeFrame(frame);
    assert.ok('control' in decoded && decoded.control.type === 'error');
    const err = controlError(decoded.control);
    assert.deepEqual([err.status, err.code, err.message], [409, 'workspace_stopped', 'dev is stopped']);
  });
});

describe('toWebSocketUrl', () => {
  it('maps http to ws and https to wss', () => {
    assert.equal(toWebSocketUrl('http://h:1/api/v1/x?a=1'), 'ws://h:1/api/v1/x?a=1');
    assert.equal(toWebSocketUrl('https://h/api'), 'wss://h/api');
  });
});
