/**
 * Workspace news: a workspace changed, a build wrote a log line. Watch streams and `--wait`
 * subscribe here; the store stays the source of truth. Carried by the pub/sub port.
 */
import type { LogLine } from '@hearth/sdk';
import { type PubSub, topic } from '../ports/pubsub.js';

export interface BuildLogLine extends LogLine {
  readonly build: number;
}

/** Keyed by workspace id; the message says nothing: listeners read what changed from the store. */
const CHANGED = topic<null>('workspace.changed');
/** Keyed by workspace id. */
const LOG = topic<BuildLogLine>('build.log');

export class WorkspaceEvents {
  readonly #pubsub: PubSub;

  constructor(pubsub: PubSub) {
    this.#pubsub = pubsub;
  }

  changed(workspaceId: string): void {
    this.#pubsub.publish(CHANGED, workspaceId, null);
  }

  log(workspaceId: string, line: BuildLogLine): void {
    this.#pubsub.publish(LOG, workspaceId, line);
  }

  /** Subscribes to one workspace; returns the unsubscribe function. */
  subscribe(
    workspaceId: string,
    handlers: { changed?: () => void; log?: (line: BuildLogLine) => void },
  ): () => void {
    const { changed, log } = handlers;
    const offs: (() => void)[] = [];
    if (changed) offs.push(this.#pubsub.subscribe(CHANGED, workspaceId, () => changed()));
    if (log) offs.push(this.#pubsub.subscribe(LOG, workspaceId, log));
    return () => {
      for (const off of offs) off();
    };
  }

  /** Subscribes to changes of every workspace (a list's live view); returns the unsubscribe function. */
  subscribeAll(changed: (workspaceId: string) => void): () => void {
    return this.#pubsub.subscribeAll(CHANGED, (workspaceId) => changed(workspaceId));
  }
}
