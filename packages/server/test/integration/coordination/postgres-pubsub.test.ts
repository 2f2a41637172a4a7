// The pub/sub contract against LISTEN/NOTIFY, within one server and from one server to another.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PostgresPubSub } from '../../../src/coordination/postgres/pubsub.js';
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
});
