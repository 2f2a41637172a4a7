/**
 * Who may do what to which workspace: finding the workspace a caller names and checking the
 * action against their role (core/authorization.ts decides), for every use case and stream.
 */
import { homeOf } from '../builds/build-stage.js';
import { mayActOnWorkspace, type WorkspaceAction } from '../core/authorization.js';
import { HearthError } from '../errors.js';
import type { Principal } from '../identity/actor.js';
import type { OrgService } from '../identity/org-service.js';
import type { UserService } from '../identity/user-service.js';
import type { Database } from '../store/database.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';

/** What exec needs to enter a running workspace. */
export interface ExecTarget {
  readonly workspaceId: string;
  /** The engine it lives on: the container is there. */
  readonly engineId: string;
  readonly containerId: string;
  readonly username: string;
  readonly home: string;
}

export class WorkspaceAccess {
  readonly #db: Database;
  readonly #users: Pick<UserService, 'findUser' | 'findUserById'>;
  readonly #orgs: Pick<OrgService, 'roleIn'>;

  constructor(deps: {
    db: Database;
    users: Pick<UserService, 'findUser' | 'findUserById'>;
    orgs: Pick<OrgService, 'roleIn'>;
  }) {
    this.#db = deps.db;
    this.#users = deps.users;
    this.#orgs = deps.orgs;
  }

  /** The workspace the actor may act on, or `workspace_not_found` (also when they may not). */
  async target(
    actor: Principal,
    user: string,
    name: string,
    action: WorkspaceAction,
  ): Promise<WorkspaceRecord> {
    const ownerName = user === 'me' ? actor.username : user;
    // Made only when thrown: an error captures its stack, about 4 % of a show's CPU (issue 15).
    const notFound = () =>
      new HearthError(
        'workspace_not_found',
        `no workspace named ${user === 'me' ? name : `${ownerName}/${name}`}; see "hearth list"`,
      );
    const owner = await this.#users.findUser(ownerName);
    const ws = owner && (await workspaces.findWorkspace(this.#db, owner.id, name));
    if (!ws) throw notFound();
    const role = await this.#orgs.roleIn(actor, ws.org_id);
    if (!mayActOnWorkspace(actor, ws.owner_id, role, action)) {
      if (ws.owner_id === actor.id)
        throw new HearthError(
          'forbidden',
          `you are no longer a member of org ${ws.org}: ${ws.owner}/${ws.name} stays there, managed by its admins, but you can only look at it; ask an admin of ${ws.org} to add you back`,
        );
      // Those who may see it (admins) learn why; everyone else cannot tell it exists.
      if (action === 'exec' && mayActOnWorkspace(actor, ws.owner_id, role, 'view'))
        throw new HearthError('forbidden', `only ${ws.owner} can open a session in ${ws.owner}/${ws.name}`);
      throw notFound();
    }
    return ws;
  }

  /**
   * Whether the user may still act on the workspace this way: long-lived streams ask again after a
   * membership change. A suspended or unknown user, or a gone workspace, may not.
   */
  async stillAllowed(userId: string, workspaceId: string, action: WorkspaceAction): Promise<boolean> {
    const ws = await workspaces.findWorkspaceById(this.#db, workspaceId);
    const user = ws && (await this.#users.findUserById(userId));
    if (!ws || !user || user.suspended_at) return false;
    const principal = { id: user.id, username: user.username, siteAdmin: user.site_admin === 1 };
    return this.target(principal, ws.owner, ws.name, action).then(
      () => true,
      () => false,
    );
  }

  /** The running container to exec into; only the owner may, and only while it runs. */
  async execTarget(actor: Principal, user: string, name: string): Promise<ExecTarget> {
    const ws = await this.target(actor, user, name, 'exec');
    if (ws.state === 'stopped' || ws.state === 'failed') {
      throw new HearthError(
        'workspace_stopped',
        `workspace ${ws.name} ${ws.state === 'failed' ? 'failed' : 'is stopped'}; start it with "hearth start ${ws.name}" (a rebuild) and try again`,
        { state: ws.state },
      );
    }
    if (ws.state !== 'running' || !ws.container_id || !ws.username) {
      throw new HearthError(
        'workspace_not_running',
        `workspace ${ws.name} is ${ws.state}, not running; wait for it ("hearth logs ${ws.name} --follow")`,
        { state: ws.state },
      );
    }
    return {
      workspaceId: ws.id,
      engineId: ws.engine_id,
      containerId: ws.container_id,
      username: ws.username,
      home: homeOf(ws.username),
    };
  }
}
