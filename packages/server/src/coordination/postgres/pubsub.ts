/**
 * The PostgreSQL {@link PubSub}: LISTEN/NOTIFY on one dedicated connection per server, one channel
 * per topic (`hearth_` + a hash of the topic's name, so any name is a valid channel). A publish is
 * delivered to this server's subscribers at once, as by the in-process adapter, and sent to the
 * others with NOTIFY (its own notification, coming back, is skipped). Messages longer than a NOTIFY
 * payload go in parts (notify-payloads.ts). The connection LISTENs to a topic from its first
 * subscription on; when it is lost, the adapter reconnects and listens again; what was published
 * meanwhile is not heard elsewhere (pub/sub carries news, the store the truth).
 *
 * NOTIFYs published while the statement before them runs wait in one batch and go together in
 * one statement (one round trip), in publish order: a burst of log lines costs a few round trips,
 * not one each. A batch never holds the same payload twice on one channel, because PostgreSQL
 * delivers a transaction's identical notifications once (two equal log lines would become one).
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PubSub, Topic } from '../../ports/pubsub.js';
import type { PostgresConfig } from '../../store/postgres.js';
import { InProcessPubSub } from '../in-process/pubsub.js';
import { listenerClient } from './connections.js';
import { Reassembly, toPayloads } from './notify-payloads.js';

/** The NOTIFY channel of topic `name`. */
export function channelOf(name: string): string {
  return `hearth_${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

const RECONNECT_MS = 1000;
/** The most NOTIFYs in one statement (about 800 KB at most). */
export const MAX_BATCH = 100;
/** One statement sends a batch's notifications in order: unnest yields its rows as the arrays hold them. */
const NOTIFY_BATCH = 'select pg_notify(c, p) from unnest($1::text[], $2::text[]) as t(c, p)';

/** NOTIFYs waiting for the statement before them to finish. */
interface Batch {
  readonly channels: string[];
  readonly payloads: string[];
  /** Channel and payload of each, to keep identical ones out. */
  readonly seen: Set<string>;
}

export class PostgresPubSub implements PubSub {
  readonly #settings: PostgresConfig;
  readonly #onError: (error: Error) => void;
  readonly #local = new InProcessPubSub();
  readonly #origin = randomUUID();
  readonly #reassembly = new Reassembly();
  /** Per channel listened to: its topic's name, and when the LISTEN took effect. */
  readonly #channels = new Map<string, { name: string; listening: Promise<void> }>();
  #client: pg.Client;
  #connected: Promise<void>;
  /** The last statement sent: statements go one at a time, in order (publish order is delivery order). */
  #tail: Promise<unknown> = Promise.resolve();
  /** The batch still open to more NOTIFYs: queued behind {@link #tail}, not sent yet. */
  #batch: Batch | undefined;
  #sequence = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Connects; `onError` hears of a lost connection or a failed NOTIFY (the adapter carries on). */
  constructor(settings: PostgresConfig, onError: (error: Error) => void) {
    this.#settings = settings;
    this.#onError = onError;
    this.#client = this.#connect();
    this.#connected = this.#client.connect().then(() => {});
    this.#connected.catch((error: Error) => this.#lost(error));
  }

  /** Resolves once connected (start-up fails early on a database it cannot listen on). */
  ready(): Promise<void> {
    return this.#connected;
  }

  publish<M>(topic: Topic<M>, key: string, message: M): void {
    this.#local.publish(topic, key, message);
    const channel = channelOf(topic.name);
    for (const payload of toPayloads({ o: this.#origin, k: key, m: message }, () => this.#sequence++))
      this.#notify(channel, payload);
  }

  subscribe<M>(topic: Topic<M>, key: string, listener: (message: M) => void): () => void {
    void this.listening(topic);
    return this.#local.subscribe(topic, key, listener);
  }

  subscribeAll<M>(topic: Topic<M>, listener: (key: string, message: M) => void): () => void {
    void this.listening(topic);
    return this.#local.subscribeAll(topic, listener);
  }

  /** Resolves once this server hears `topic` from the others (it listens from the first subscription on). */
  listening(topic: Topic<unknown>): Promise<void> {
    const channel = channelOf(topic.name);
    let entry = this.#channels.get(channel);
    if (!entry) {
      entry = { name: topic.name, listening: this.#listen(this.#client, channel) };
      this.#channels.set(channel, entry);
    }
    return entry.listening;
  }

  /** Sends what was published before, then disconnects (once, however often it is called). */
  close(): Promise<void> {
    this.#closing ??= this.#tail.then(async () => {
      this.#closed = true;
      await this.#client.end().catch(() => {});
    });
    return this.#closing;
  }

  #connect(): pg.Client {
    const client = listenerClient(this.#settings);
    client.on('notification', (n) => this.#heard(n.channel, n.payload ?? ''));
    client.on('error', (error) => this.#lost(error, client));
    client.on('end', () => this.#lost(new Error('the pub/sub connection to PostgreSQL ended'), client));
    return client;
  }

  /** Adds a NOTIFY to the open batch, or opens one behind the statements already queued. */
  #notify(channel: string, payload: string): void {
    const id = `${channel} ${payload}`;
    let batch = this.#batch;
    if (!batch || batch.payloads.length >= MAX_BATCH || batch.seen.has(id)) {
      const next: Batch = { channels: [], payloads: [], seen: new Set() };
      void this.#send(() => {
        // Its turn: closed to more, which go in the next batch.
        if (this.#batch === next) this.#batch = undefined;
        return [NOTIFY_BATCH, [next.channels, next.payloads]];
      });
      this.#batch = batch = next;
    }
    batch.channels.push(channel);
    batch.payloads.push(payload);
    batch.seen.add(id);
  }

  #listen(client: pg.Client, channel: string): Promise<void> {
    return this.#send(() => [`listen "${channel}"`, []], client);
  }

  /**
   * Sends one statement after the ones before it (made at its turn); a failure is reported, never
   * thrown. NOTIFYs published after it go in a batch behind it.
   */
  #send(statement: () => [text: string, values: unknown[]], client?: pg.Client): Promise<void> {
    this.#batch = undefined;
    const sent = this.#tail
      .then(() => {
        const [text, values] = statement();
        return (client ?? this.#client).query(text, values);
      })
      .then(
        () => {},
        (error: Error) => {
          if (!this.#closed) this.#onError(error);
        },
      );
    this.#tail = sent;
    return sent;
  }

  #heard(channel: string, payload: string): void {
    const name = this.#channels.get(channel)?.name;
    const envelope = name === undefined ? undefined : this.#reassembly.receive(payload);
    if (name === undefined || !envelope || envelope.o === this.#origin) return;
    this.#local.publish({ name }, envelope.k, envelope.m);
  }

  /** The connection failed: once per client, reconnect after a pause and listen to every channel again. */
  #lost(error: Error, client: pg.Client = this.#client): void {
    if (this.#closed || client !== this.#client) return;
    this.#onError(error);
    client.removeAllListeners('end');
    client.end().catch(() => {});
    const next = this.#connect();
    this.#client = next;
    setTimeout(() => {
      if (this.#closed) return;
      next.connect().then(
        () => {
          for (const [channel, entry] of this.#channels) entry.listening = this.#listen(next, channel);
        },
        (e: Error) => this.#lost(e, next),
      );
    }, RECONNECT_MS).unref();
  }
}
