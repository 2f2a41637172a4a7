/**
 * Who may do what to a workspace. Owners who belong to its org may do everything; org admins and
 * site admins may manage (not enter) others' workspaces; everyone else is told the workspace does
 * not exist. An owner removed from the org keeps the workspace (its admins manage it) but may only
 * look at it: no builds, no sessions, no resizing.
 */
export type WorkspaceAction = 'view' | 'rebuild' | 'start' | 'stop' | 'delete' | 'exec';

export interface Caller {
  readonly id: string;
  readonly siteAdmin: boolean;
}

export function mayActOnWorkspace(
  caller: Caller,
  ownerId: string,
  /** The caller's role in the workspace's org (site admins count as admins); undefined outside it. */
  callerRoleInOrg: 'admin' | 'member' | undefined,
  action: WorkspaceAction,
): boolean {
  if (caller.id === ownerId) return callerRoleInOrg !== undefined || action === 'view';
  if (action === 'exec') return false;
  return caller.siteAdmin || callerRoleInOrg === 'admin';
}
