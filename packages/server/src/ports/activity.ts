/**
 * The activity port: proof that someone uses a workspace. Sessions (exec, terminal, SSH, app
 * connections) report while they are open; keepalives and finished builds report a moment of use.
 * Auto-off decides with it.
 *
 * The contract (test/unit/coordination/activity.contract.ts, run against every adapter):
 * - A session counts from `sessionOpened` until its close function is first called; calling it
 *   again changes nothing. Sessions of one workspace never count for another.
 * - Opening, closing and `touch` are uses at the clock's now: {@link Activity.usage} reports the
 *   latest at once, even before the adapter has written it to the store. {@link Activity.usages}
 *   answers for many workspaces what `usage` answers for each.
 * - Every use reaches the store's record eventually (an adapter may coalesce writes); a finished
 *   build (`touch(id, 'build')`) and {@link Activity.persist} write at once, and with sessions open
 *   `persist` counts now as use. A failed write is logged, never thrown at the one who reported.
 * - `forget` drops what is remembered about a workspace (it is gone): no sessions, no use.
 * - `settle` resolves once every write started so far has ended.
 * - Usage recorded anywhere counts: an adapter shared by replicas answers `usage` for all of them.
 */
/** What kind of session is open: an app or port URL connection counts as much as a terminal. */
export type SessionKind = 'exec' | 'terminal' | 'ssh' | 'app';

/** What sessions report to. */
export interface ActivitySink {
  /** A session opened in the workspace; the returned function must be called when it closes. */
  sessionOpened(workspaceId: string, kind: SessionKind): () => void;
  /** A moment of use without a session (keepalive ping, build finished: reason `build`). */
  touch(workspaceId: string, reason: string): void;
  /** The workspace is gone: whatever is remembered about it can go too. */
  forget(workspaceId: string): void;
}

/** How a workspace is used right now, as auto-off needs to know it. */
export interface Usage {
  readonly openSessions: number;
  /** The latest use seen (possibly not yet in the store); `undefined` when none was reported. */
  readonly lastSeen: Date | undefined;
}

/** The whole port: what sessions report to, and what the lifecycle executor reads and writes. */
export interface Activity extends ActivitySink {
  usage(workspaceId: string): Promise<Usage>;
  /**
   * {@link usage} of each of `workspaceIds` (every one has an entry), in a few statements however
   * many they are: the executor asks for a batch of candidates at once.
   */
  usages(workspaceIds: readonly string[]): Promise<Map<string, Usage>>;
  /** Writes the latest use to the store now (and, with sessions open, counts now as use). */
  persist(workspaceId: string): Promise<void>;
  /** Waits for writes in flight (shutdown, tests). */
  settle(): Promise<void>;
}

/** Writes a workspace's latest use to the store (its auto-off deadline follows from it). */
export type RecordUse = (workspaceId: string, lastUse: Date | undefined) => Promise<void>;
