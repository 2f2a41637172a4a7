/**
 * The activity port: proof that someone uses a workspace. Sessions (exec, terminal, SSH) report
 * while they are open; keepalives and finished builds report a moment of use. Auto-off reads it.
 */
/** What kind of session is open: an app or port URL connection counts as much as a terminal. */
export type SessionKind = 'exec' | 'terminal' | 'ssh' | 'app';

export interface ActivitySink {
  /** A session opened in the workspace; the returned function must be called when it closes. */
  sessionOpened(workspaceId: string, kind: SessionKind): () => void;
  /** A moment of use without a session (keepalive ping, build finished). */
  touch(workspaceId: string, reason: string): void;
  /** The workspace is gone: whatever is remembered about it can go too. */
  forget(workspaceId: string): void;
}
