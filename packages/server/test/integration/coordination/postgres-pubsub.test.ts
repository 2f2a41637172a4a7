// The pub/sub contract against LISTEN/NOTIFY, within one server and from one server to another.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MAX_BATCH, PostgresPubSub } from '../../../src/coordination/postgres/pubsub.js';
import { type PubSub, topic } from '../../../src/ports/pubsub.js';
import { pubsubContract } from '../../unit/coordination/pubsub.contract.js';
import { until } from '../../unit/coordination/timing.js';
import { suiteDatabase } from './postgres-database.js';

const TIMING = { quietMs: 150, timeoutMs: 10_000 };
const db = suiteDatabase();
/** The adapters made since the last {@link fresh}. */
let made: PostgresPubSub[] = [];
const newPubSub = async () => {
  const pubsub = db.track(new PostgresPubSub(db.settings, (e) => assert.fail(e)));
  made.push(pubsub);
  await pubsub.ready();
  return pubsub;
};
/**
 * Closes the test before's adapters first: closing sends what they published, so a NOTIFY still
 * on its way (a loaded machine) is not heard by the next test's listeners on the same channels.
 */
const fresh = async () => {
  await Promise.all(made.map((pubsub) => pubsub.close()));
  made = [];
};
/** The contract suite's topics: the listening server hears them before the suite publishes. */
const SUITE_TOPICS = ['test.log', 'test.changed', 'test.log:ws'].map((name) => topic(name));

pubsubContract(
  'postgres (one server)',
  async () => {
    await fresh();
    return newPubSub();
  },
  TIMING,
);

/** Published on server A, heard on server B: every delivery the suite checks crosses the database. */
pubsubContract(
  'postgres (A publishes, B hears)',
  async () => {
    await fresh();
    const [a, b] = [await newPubSub(), await newPubSub()];
    await Promise.all(SUITE_TOPICS.map((t) => b.listening(t)));
    return {
      publish: (t, key, message) => a.publish(t, key, message),
      subscribe: (t, key, listener) => b.subscribe(t, key, listener),
      subscribeAll: (t, listener) => b.subscribeAll(t, listener),
    } satisfies PubSub;
  },
  TIMING,
);

describe('postgres pub/sub across servers', () => {
  const LOG = topic<{ text: string }>('build.log');

  it('given a message far over the 8000-byte NOTIFY limit, when published on A, then B and A hear it whole, once', async () => {
    const [a, b] = [await newPubSub(), await newPubSub()];
    await b.listening(LOG);
    const text = `${'é'.repeat(20_000)}"\\\n${'🚀'.repeat(5000)}${'x'.repeat(30_000)}`;
    const onB: string[] = [];
    const onA: string[] = [];
    b.subscribe(LOG, 'ws-1', (m) => onB.push(m.text));
    a.subscribe(LOG, 'ws-1', (m) => onA.push(m.text));
    a.publish(LOG, 'ws-1', { text: 'before' });
    a.publish(LOG, 'ws-1', { text });
    a.publish(LOG, 'ws-1', { text: 'after' });
    await until(TIMING, 'B heard all three', () => onB.length === 3);
    await new Promise((resolve) => setTimeout(resolve, TIMING.quietMs));
    assert.deepEqual(onB, ['before', text, 'after']);
    assert.deepEqual(onA, ['before', text, 'after']);
  });

  it('given a burst of 500 messages on two topics, equal ones among them, when published on A, then B hears each in order and A sent them in a few statements', async () => {
    const [a, b] = [await newPubSub(), await newPubSub()];
    const CHANGED = topic<{ n: number }>('test.burst.changed');
    await Promise.all([b.listening(LOG), b.listening(CHANGED)]);
    const logs: string[] = [];
    const changes: number[] = [];
    b.subscribe(LOG, 'ws-1', (m) => logs.push(m.text));
    b.subscribeAll(CHANGED, (_key, m) => changes.push(m.n));
    // Counts the statements A's connection is sent (the real client's own method, only counted).
    const query = pg.Client.prototype.query;
    let notifies = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (String(args[0]).includes('pg_notify')) notifies++;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const lines = Array.from({ length: 400 }, (_, i) => (i % 50 === 7 ? 'the same line' : `line ${i}`));
      for (const [i, text] of lines.entries()) {
        a.publish(LOG, 'ws-1', { text });
        if (i % 4 === 0) a.publish(CHANGED, 'ws-1', { n: i });
      }
      await until(TIMING, 'B heard all of them', () => logs.length === 400 && changes.length === 100);
      await new Promise((resolve) => setTimeout(resolve, TIMING.quietMs));
      assert.deepEqual(logs, lines);
      assert.deepEqual(
        changes,
        lines.map((_, i) => i).filter((i) => i % 4 === 0),
      );
      // 500 NOTIFYs: one statement per batch of up to MAX_BATCH, plus one per repeated line.
      assert.ok(notifies <= 500 / MAX_BATCH + 8 + 2, `${notifies} statements for 500 NOTIFYs`);
    } finally {
      pg.Client.prototype.query = query;
    }
  });
});
