/**
 * The PostgreSQL {@link PubSub}: LISTEN/NOTIFY on one dedicated connection per server, one channel
 * per topic (`hearth_` + a hash of the topic's name, so any name is a valid channel). A publish is
 * delivered to this server's subscribers at once, as by the in-process adapter, and sent to the
 * others with NOTIFY (its own notification, coming back, is skipped). Messages longer than a NOTIFY
 * payload go in parts (notify-payloads.ts). The connection LISTENs to a topic from its first
 * subscription on; when it is lost, the adapter reconnects and listens again; what was published
 * meanwhile is not heard elsewhere (pub/sub carries news, the store the truth).
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
      void this.#send('select pg_notify($1, $2)', [channel, payload]);
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

  #listen(client: pg.Client, channel: string): Promise<void> {
    return this.#send(`listen "${channel}"`, [], client);
  }

  /** Sends one statement after the ones before it; a failure is reported, never thrown. */
  #send(text: string, values: unknown[], client?: pg.Client): Promise<void> {
    const sent = this.#tail
      .then(() => (client ?? this.#client).query(text, values))
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
