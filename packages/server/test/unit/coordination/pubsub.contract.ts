/**
 * The contract every {@link PubSub} adapter passes (src/ports/pubsub.ts): delivery to many
 * subscribers in order, all-keys subscriptions, no delivery across keys or topics, unsubscribe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PubSub, topic } from '../../../src/ports/pubsub.js';
import { quiet, type Timing, until } from './timing.js';

interface Line {
  readonly n: number;
  readonly text: string;
}

export function pubsubContract(
  name: string,
  make: () => PubSub | Promise<PubSub>,
  timing: Timing = {},
): void {
  const LOG = topic<Line>('test.log');
  const CHANGED = topic<null>('test.changed');

  /** A listener that records what it hears. */
  const recorder = <M>() => {
    const heard: M[] = [];
    return { heard, listener: (message: M) => void heard.push(message) };
  };

  describe(`pub/sub contract: ${name}`, () => {
    it('given many subscribers of one key, when a message is published, then each hears it once, as an equal value', async () => {
      const pubsub = await make();
      const subs = Array.from({ length: 25 }, () => recorder<Line>());
      for (const s of subs) pubsub.subscribe(LOG, 'ws-a', s.listener);
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'pulling' });
      await until(timing, 'every subscriber heard', () => subs.every((s) => s.heard.length > 0));
      await quiet(timing);
      for (const s of subs) assert.deepEqual(s.heard, [{ n: 1, text: 'pulling' }]);
    });

    it('given many messages on one key, when published, then every subscriber hears all of them in order', async () => {
      const pubsub = await make();
      const a = recorder<Line>();
      const b = recorder<Line>();
      pubsub.subscribe(LOG, 'ws-a', a.listener);
      pubsub.subscribe(LOG, 'ws-a', b.listener);
      const lines = Array.from({ length: 200 }, (_, n) => ({ n, text: `line ${n}` }));
      for (const line of lines) pubsub.publish(LOG, 'ws-a', line);
      await until(timing, 'all lines heard', () => a.heard.length === 200 && b.heard.length === 200);
      assert.deepEqual(a.heard, lines);
      assert.deepEqual(b.heard, lines);
    });

    it('given subscribers of two keys, when one key is published, then the other hears nothing', async () => {
      const pubsub = await make();
      const a = recorder<Line>();
      const b = recorder<Line>();
      pubsub.subscribe(LOG, 'ws-a', a.listener);
      pubsub.subscribe(LOG, 'ws-b', b.listener);
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'for a' });
      await until(timing, 'a heard', () => a.heard.length === 1);
      await quiet(timing);
      assert.deepEqual(b.heard, []);
    });

    it('given names that could run together, when published, then nothing crosses topics or keys', async () => {
      const pubsub = await make();
      const other = topic<Line>('test.log:ws');
      const crossed = recorder<Line>();
      pubsub.subscribe(other, 'a', crossed.listener);
      pubsub.subscribe(LOG, 'ws', crossed.listener);
      pubsub.subscribe(LOG, 'ws:a:', crossed.listener);
      for (const key of ['all', '*', '', 'key:ws:a']) pubsub.subscribe(LOG, key, crossed.listener);
      pubsub.subscribeAll(other, (_key, m) => crossed.listener(m));
      const mine = recorder<Line>();
      pubsub.subscribe(LOG, 'ws:a', mine.listener);
      pubsub.publish(LOG, 'ws:a', { n: 1, text: 'only for ws:a' });
      await until(timing, 'ws:a heard', () => mine.heard.length === 1);
      await quiet(timing);
      assert.deepEqual(crossed.heard, []);
    });

    it('given a subscriber of another topic on the same key, when published, then it hears nothing', async () => {
      const pubsub = await make();
      const changed = recorder<null>();
      const log = recorder<Line>();
      pubsub.subscribe(CHANGED, 'ws-a', changed.listener);
      pubsub.subscribe(LOG, 'ws-a', log.listener);
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'a line' });
      await until(timing, 'the line heard', () => log.heard.length === 1);
      await quiet(timing);
      assert.deepEqual(changed.heard, []);
    });

    it('given all-keys subscribers, when several keys are published, then they hear every key with its name, and per key in order', async () => {
      const pubsub = await make();
      const heard: string[][] = [[], []];
      for (const list of heard) pubsub.subscribeAll(CHANGED, (key) => list.push(key));
      const own = recorder<null>();
      pubsub.subscribe(CHANGED, 'ws-b', own.listener);
      for (const key of ['ws-a', 'ws-b', 'ws-a', 'ws-c']) pubsub.publish(CHANGED, key, null);
      await until(timing, 'all heard', () => heard.every((l) => l.length === 4) && own.heard.length === 1);
      await quiet(timing);
      for (const list of heard) {
        assert.deepEqual([...list].sort(), ['ws-a', 'ws-a', 'ws-b', 'ws-c']);
        assert.deepEqual(
          list.filter((k) => k === 'ws-a'),
          ['ws-a', 'ws-a'],
        );
      }
      assert.deepEqual(own.heard, [null]);
    });

    it('given a subscription, when unsubscribed, then it hears nothing more and the others still hear', async () => {
      const pubsub = await make();
      const gone = recorder<Line>();
      const stays = recorder<Line>();
      const goneAll = recorder<Line>();
      const off = pubsub.subscribe(LOG, 'ws-a', gone.listener);
      const offAll = pubsub.subscribeAll(LOG, (_key, m) => goneAll.listener(m));
      pubsub.subscribe(LOG, 'ws-a', stays.listener);
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'before' });
      await until(
        timing,
        'the first line heard',
        () => gone.heard.length === 1 && goneAll.heard.length === 1,
      );
      off();
      offAll();
      off();
      pubsub.publish(LOG, 'ws-a', { n: 2, text: 'after' });
      await until(timing, 'the second line heard', () => stays.heard.length === 2);
      await quiet(timing);
      assert.deepEqual(gone.heard, [{ n: 1, text: 'before' }]);
      assert.deepEqual(goneAll.heard, [{ n: 1, text: 'before' }]);
    });

    it('given one listener subscribed twice, when one subscription ends, then it hears twice, then once', async () => {
      const pubsub = await make();
      const r = recorder<Line>();
      const off = pubsub.subscribe(LOG, 'ws-a', r.listener);
      pubsub.subscribe(LOG, 'ws-a', r.listener);
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'twice' });
      await until(timing, 'heard twice', () => r.heard.length === 2);
      off();
      pubsub.publish(LOG, 'ws-a', { n: 2, text: 'once' });
      await until(timing, 'heard once more', () => r.heard.length === 3);
      await quiet(timing);
      assert.deepEqual(
        r.heard.map((l) => l.n),
        [1, 1, 2],
      );
    });

    it('given a message published before anyone subscribed, when a subscriber arrives, then it does not hear it', async () => {
      const pubsub = await make();
      pubsub.publish(LOG, 'ws-a', { n: 1, text: 'too early' });
      await quiet(timing);
      const late = recorder<Line>();
      pubsub.subscribe(LOG, 'ws-a', late.listener);
      pubsub.publish(LOG, 'ws-a', { n: 2, text: 'in time' });
      await until(timing, 'the second heard', () => late.heard.length > 0);
      await quiet(timing);
      assert.deepEqual(late.heard, [{ n: 2, text: 'in time' }]);
    });

    it('given a thousand subscriptions, when published, then all hear it and no warning is raised', async () => {
      const pubsub = await make();
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        let heard = 0;
        const offs = Array.from({ length: 1000 }, (_, i) =>
          i % 2 === 0
            ? pubsub.subscribe(CHANGED, 'ws-a', () => heard++)
            : pubsub.subscribeAll(CHANGED, () => heard++),
        );
        pubsub.publish(CHANGED, 'ws-a', null);
        await until(timing, 'all heard', () => heard === 1000);
        for (const off of offs) off();
        pubsub.publish(CHANGED, 'ws-a', null);
        await quiet(timing);
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(heard, 1000);
        assert.deepEqual(warnings, []);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });
}
