/**
 * Who may do what to a workspace. Owners may do everything; org admins and site admins may
 * manage (not enter) others' workspaces; everyone else is told the workspace does not exist.
 */
export type WorkspaceAction = 'view' | 'rebuild' | 'start' | 'stop' | 'delete' | 'exec';

export interface Caller {
  readonly id: string;
  readonly siteAdmin: boolean;
}

export function mayActOnWorkspace(
  caller: Caller,
  ownerId: string,
  callerRoleInOrg: 'admin' | 'member' | undefined,
  action: WorkspaceAction,
): boolean {
  if (caller.id === ownerId) return true;
  if (action === 'exec') return false;
  return caller.siteAdmin || callerRoleInOrg === 'admin';
}
