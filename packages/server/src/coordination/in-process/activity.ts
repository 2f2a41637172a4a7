/**
 * The in-process {@link Activity}: counts open sessions per workspace, remembers the latest proof
 * of use in memory, and writes it to the store at most once per workspace per {@link COALESCE_MS},
 * so busy terminals do not turn into a write per keystroke. The executor re-checks against the
 * in-memory value before it acts, so a coalesced write never lets a used workspace be stopped.
 */
import type { Activity, RecordUse, SessionKind, Usage } from '../../ports/activity.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';

export const COALESCE_MS = 30_000;

export class InProcessActivity implements Activity {
  readonly #record: RecordUse;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #sessions = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  readonly #written = new Map<string, number>();
  readonly #writes = new Set<Promise<void>>();

  constructor(deps: { record: RecordUse; clock: Clock; logger: Logger }) {
    this.#record = deps.record;
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ component: 'activity' });
  }

  sessionOpened(workspaceId: string, kind: SessionKind): () => void {
    this.#sessions.set(workspaceId, (this.#sessions.get(workspaceId) ?? 0) + 1);
    this.touch(workspaceId, `${kind} opened`);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const left = (this.#sessions.get(workspaceId) ?? 1) - 1;
      if (left > 0) this.#sessions.set(workspaceId, left);
      else this.#sessions.delete(workspaceId);
      // Use lasted until the session closed.
      this.touch(workspaceId, `${kind} closed`);
    };
  }

  /** A moment of use; a finished build is always written at once (its deadline starts now). */
  touch(workspaceId: string, reason: string): void {
    const now = this.#clock.now().getTime();
    this.#seen.set(workspaceId, now);
    const last = this.#written.get(workspaceId);
    if (reason === 'build' || last === undefined || now - last >= COALESCE_MS) void this.persist(workspaceId);
  }

  forget(workspaceId: string): void {
    this.#sessions.delete(workspaceId);
    this.#seen.delete(workspaceId);
    this.#written.delete(workspaceId);
  }

  async usage(workspaceId: string): Promise<Usage> {
    return { openSessions: this.openSessions(workspaceId), lastSeen: this.lastSeen(workspaceId) };
  }

  async usages(workspaceIds: readonly string[]): Promise<Map<string, Usage>> {
    return new Map(
      workspaceIds.map((id) => [id, { openSessions: this.openSessions(id), lastSeen: this.lastSeen(id) }]),
    );
  }

  /** This process's sessions (the whole count: nothing else records them). */
  openSessions(workspaceId: string): number {
    return this.#sessions.get(workspaceId) ?? 0;
  }

  /** The latest use seen in memory (possibly not yet written). */
  lastSeen(workspaceId: string): Date | undefined {
    const at = this.#seen.get(workspaceId);
    return at === undefined ? undefined : new Date(at);
  }

  /** Writes the latest use now (and, with sessions open, counts now as use). */
  persist(workspaceId: string): Promise<void> {
    const now = this.#clock.now().getTime();
    if (this.openSessions(workspaceId) > 0) this.#seen.set(workspaceId, now);
    const seen = this.#seen.get(workspaceId);
    this.#written.set(workspaceId, now);
    const write = this.#record(workspaceId, seen === undefined ? undefined : new Date(seen))
      .catch((error) => this.#log.error({ err: error, workspaceId }, 'record activity failed'))
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
    return write;
  }

  /** Waits for writes in flight (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }
}
