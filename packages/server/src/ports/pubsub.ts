/**
 * The pub/sub port: tells whoever listens that something happened (a workspace changed, a build
 * wrote a log line, a credential was revoked). It carries news, never truth: a listener that must
 * know the state reads it from the store, so a message lost with a crashed process costs a moment's
 * staleness, nothing more. The typed vocabularies on top are workspaces/events.ts and
 * identity/revocations.ts.
 *
 * The contract (test/unit/coordination/pubsub.contract.ts, run against every adapter):
 * - A message published on `(topic, key)` reaches every subscription to that topic and key, and
 *   every {@link PubSub.subscribeAll} of that topic, that existed when `publish` was called: each
 *   once, in publish order per topic and key. Delivery may come after `publish` returns.
 * - Nothing crosses keys or topics, whatever characters their names hold.
 * - Messages are JSON values; a listener gets an equal value, possibly a copy, and must not change it.
 * - Every subscription is independent: the same listener subscribed twice hears twice. After its
 *   unsubscribe function returns, a subscription hears nothing more; calling it again does nothing.
 * - Any number of subscriptions (an open watch stream or SSH session each holds some), no warnings.
 * - Listeners must not throw: a failure in one is that listener's to handle.
 */
export interface PubSub {
  publish<M>(topic: Topic<M>, key: string, message: M): void;

  /** Hears messages of one topic and key; returns the unsubscribe function. */
  subscribe<M>(topic: Topic<M>, key: string, listener: (message: M) => void): () => void;

  /** Hears messages of one topic for every key; returns the unsubscribe function. */
  subscribeAll<M>(topic: Topic<M>, listener: (key: string, message: M) => void): () => void;
}

/** A named kind of message whose messages are `M`s (JSON values). */
export interface Topic<M> {
  readonly name: string;
  /** Never set: carries `M` for the type checker. */
  readonly message?: M;
}

export const topic = <M>(name: string): Topic<M> => ({ name });
