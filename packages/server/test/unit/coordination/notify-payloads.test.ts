// NOTIFY payloads: messages over PostgreSQL's 8000-byte limit go in parts and come back whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAYLOAD_LIMIT, Reassembly, toPayloads } from '../../../src/coordination/postgres/notify-payloads.js';

const counter = () => {
  let n = 0;
  return () => n++;
};

describe('notify payloads', () => {
  it('given a small message, when sent, then it is one payload, heard as it was', () => {
    const envelope = { o: 'server-a', k: 'ws-1', m: { n: 1, text: 'pulling' } };
    const payloads = toPayloads(envelope, counter());
    assert.equal(payloads.length, 1);
    assert.deepEqual(new Reassembly().receive(payloads[0]!), envelope);
  });

  it('given a long multi-byte message, when sent, then every part fits the limit and the parts make it whole', () => {
    const envelope = { o: 'server-a', k: 'ws-1', m: { text: `${'é🚀"\\\n'.repeat(6000)}` } };
    const payloads = toPayloads(envelope, counter());
    assert.ok(payloads.length > 3);
    for (const p of payloads) assert.ok(Buffer.byteLength(p, 'utf8') <= PAYLOAD_LIMIT);
    const reassembly = new Reassembly();
    const heard = payloads.map((p) => reassembly.receive(p));
    assert.deepEqual(heard.slice(0, -1), Array(payloads.length - 1).fill(undefined));
    assert.deepEqual(heard.at(-1), envelope);
  });

  it('given two servers’ parts interleaved, when received, then each message comes back whole', () => {
    const a = { o: 'a', k: 'ws-1', m: 'x'.repeat(20_000) };
    const b = { o: 'b', k: 'ws-2', m: 'y'.repeat(20_000) };
    const pa = toPayloads(a, counter());
    const pb = toPayloads(b, counter());
    const reassembly = new Reassembly();
    const heard = pa.flatMap((p, i) => [reassembly.receive(p), reassembly.receive(pb[i]!)]).filter(Boolean);
    assert.deepEqual(heard, [a, b]);
  });

  it('given a part lost, when the rest arrives, then nothing is heard, and the next message still is', () => {
    const next = counter();
    const lost = toPayloads({ o: 'a', k: 'ws-1', m: 'x'.repeat(20_000) }, next);
    const after = { o: 'a', k: 'ws-1', m: 'z'.repeat(20_000) };
    const reassembly = new Reassembly();
    const heard = [...lost.filter((_, i) => i !== 1), ...toPayloads(after, next)].map((p) =>
      reassembly.receive(p),
    );
    assert.deepEqual(heard.filter(Boolean), [after]);
  });

  it('given payloads that are not ours, when received, then they are ignored', () => {
    const reassembly = new Reassembly();
    for (const p of ['', 'not json', '42', 'null', '{"k":"no origin"}'])
      assert.equal(reassembly.receive(p), undefined);
  });
});
