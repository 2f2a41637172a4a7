/**
 * In-process notifications: a workspace changed, a build wrote a log line. Watch streams and
 * `--wait` subscribe here; the store stays the source of truth.
 */
import { EventEmitter } from 'node:events';
import type { LogLine } from '@hearth/sdk';

export interface BuildLogLine extends LogLine {
  readonly build: number;
}

export class WorkspaceEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open watch stream subscribes; the default of 10 listeners is far too low for that.
    this.#emitter.setMaxListeners(0);
  }

  changed(workspaceId: string): void {
    this.#emitter.emit(`changed:${workspaceId}`);
    this.#emitter.emit('changed', workspaceId);
  }

  log(workspaceId: string, line: BuildLogLine): void {
    this.#emitter.emit(`log:${workspaceId}`, line);
  }

  /** Subscribes to one workspace; returns the unsubscribe function. */
  subscribe(
    workspaceId: string,
    handlers: { changed?: () => void; log?: (line: BuildLogLine) => void },
  ): () => void {
    const { changed, log } = handlers;
    if (changed) this.#emitter.on(`changed:${workspaceId}`, changed);
    if (log) this.#emitter.on(`log:${workspaceId}`, log);
    return () => {
      if (changed) this.#emitter.off(`changed:${workspaceId}`, changed);
      if (log) this.#emitter.off(`log:${workspaceId}`, log);
    };
  }

  /** Subscribes to changes of every workspace (a list's live view); returns the unsubscribe function. */
  subscribeAll(changed: (workspaceId: string) => void): () => void {
    this.#emitter.on('changed', changed);
    return () => this.#emitter.off('changed', changed);
  }
}
