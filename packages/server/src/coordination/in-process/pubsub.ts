/**
 * The in-process {@link PubSub}: one EventEmitter per topic, delivering synchronously inside
 * `publish` (subscribers of the key first, then those of every key) to listeners in this process.
 */
import { EventEmitter } from 'node:events';
import type { PubSub, Topic } from '../../ports/pubsub.js';

/** The event that carries every key's messages; a key's own event is `key:<key>`, so they never meet. */
const ALL = 'all';

export class InProcessPubSub implements PubSub {
  readonly #topics = new Map<string, EventEmitter>();

  publish<M>(topic: Topic<M>, key: string, message: M): void {
    const emitter = this.#topics.get(topic.name);
    if (!emitter) return;
    emitter.emit(`key:${key}`, message);
    emitter.emit(ALL, key, message);
  }

  subscribe<M>(topic: Topic<M>, key: string, listener: (message: M) => void): () => void {
    // A wrapper of its own, so that one unsubscribe ends exactly this subscription.
    const own = (message: M) => listener(message);
    return this.#on(topic, `key:${key}`, own);
  }

  subscribeAll<M>(topic: Topic<M>, listener: (key: string, message: M) => void): () => void {
    const own = (key: string, message: M) => listener(key, message);
    return this.#on(topic, ALL, own);
  }

  #on(topic: Topic<unknown>, event: string, own: Parameters<EventEmitter['on']>[1]): () => void {
    let emitter = this.#topics.get(topic.name);
    if (!emitter) {
      // Every open watch stream and SSH session subscribes: there is no sensible bound.
      emitter = new EventEmitter().setMaxListeners(0);
      this.#topics.set(topic.name, emitter);
    }
    emitter.on(event, own);
    const from = emitter;
    return () => from.off(event, own);
  }
}
