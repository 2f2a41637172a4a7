/**
 * The one way into a workspace for a session: exec, the terminal, the SSH tunnel and listener (their
 * sessions, signals and port forwards) and keepalives. It looks up the target and checks that the
 * principal may enter it (only the owner, only while it runs), starts processes as the workspace user
 * in the home directory, and records activity while sessions are open.
 */
import type { Principal } from '../identity/actor.js';
import type { ActivitySink, SessionKind } from '../ports/activity.js';
import type { ExecSession } from '../runtime/runtime.js';
import type { Runtimes } from '../runtime/runtimes.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import type { SessionTarget } from './session-target.js';
import { type ProcessRequest, processOptions } from './workspace-process.js';

/** What every kind of session (SSH, exec, terminal) is told when its workspace leaves running. */
export const sessionClosedWhy = (name: string, state: string | undefined): string =>
  `workspace ${name} is ${state ?? 'gone'}; the session is closed`;

export interface SessionEntryDeps {
  /** A session's process runs on its workspace's engine. */
  readonly runtimes: Runtimes;
  readonly activity: ActivitySink;
  readonly workspaces: {
    /** The running container of `owner`/`name` if `principal` may exec in it; typed errors otherwise. */
    execTarget(principal: Principal, owner: string, name: string): Promise<ExecTarget>;
    stillAllowed(userId: string, workspaceId: string, action: 'exec'): Promise<boolean>;
  };
}

/** What starts processes in a workspace: the entry, for whoever needs only that (port forwards). */
export interface ProcessOpener {
  /**
   * Starts `request` in `target` as the workspace user, in its home, with the user's secrets in its
   * environment. With `kind`, it counts as an open session of that kind (auto-off waits) until the
   * process ends or the session is closed.
   */
  open(target: ExecTarget, request: ProcessRequest, kind?: SessionKind): Promise<ExecSession>;
}

export class SessionEntry implements ProcessOpener {
  readonly #d: SessionEntryDeps;

  constructor(deps: SessionEntryDeps) {
    this.#d = deps;
  }

  /**
   * The running workspace `owner`/`name` (`me` for the principal's own) if `principal` may enter it;
   * rejects with `workspace_not_found`, `workspace_stopped` or `workspace_not_running` otherwise.
   */
  async target(principal: Principal, owner: string, name: string): Promise<SessionTarget> {
    return { ...(await this.#d.workspaces.execTarget(principal, owner, name)), name };
  }

  /** Whether the user may still enter the workspace (asked again after a membership change). */
  mayEnter(userId: string, workspaceId: string): Promise<boolean> {
    return this.#d.workspaces.stillAllowed(userId, workspaceId, 'exec');
  }

  async open(target: ExecTarget, request: ProcessRequest, kind?: SessionKind): Promise<ExecSession> {
    const runtime = await this.#d.runtimes.of(target.engineId);
    const process = await runtime.exec(target.containerId, processOptions(target, request));
    if (kind === undefined) return process;
    const release = this.hold(target, kind);
    process.exit.finally(release).catch(() => {});
    return {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      exit: process.exit,
      resize: (size) => process.resize(size),
      close() {
        release();
        process.close();
      },
    };
  }

  /**
   * A session without a process of its own (an SSH connection, whose channels open theirs): it counts
   * as activity until the returned function is called.
   */
  hold(target: ExecTarget, kind: SessionKind): () => void {
    return this.#d.activity.sessionOpened(target.workspaceId, kind);
  }

  /** `hearth keepalive`: the workspace counts as used now. Owner only, while it runs. */
  async keepalive(principal: Principal, owner: string, name: string): Promise<SessionTarget> {
    const target = await this.target(principal, owner, name);
    this.#d.activity.touch(target.workspaceId, 'keepalive');
    return target;
  }
}
