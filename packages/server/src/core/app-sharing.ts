/**
 * Who may open a workspace's app or port. Owner only by default; `authenticated` lets any signed-in
 * user of the installation in, `public` everyone. The org's policy caps the level: a share above
 * the cap counts as the cap. Everyone refused is told the same as for a port that does not exist.
 */
export const SHARE_LEVELS = ['owner', 'authenticated', 'public'] as const;
export type ShareLevel = (typeof SHARE_LEVELS)[number];

export const isShareLevel = (value: string): value is ShareLevel =>
  (SHARE_LEVELS as readonly string[]).includes(value);

/** The level in force: the share, lowered to what the org allows. */
export function effectiveLevel(shared: ShareLevel, orgMax: ShareLevel): ShareLevel {
  return SHARE_LEVELS.indexOf(shared) <= SHARE_LEVELS.indexOf(orgMax) ? shared : orgMax;
}

/** Whether `viewerId` (undefined = signed out) may open an app of `ownerId` shared at `level`. */
export function mayOpenApp(level: ShareLevel, ownerId: string, viewerId: string | undefined): boolean {
  if (level === 'public') return true;
  if (viewerId === undefined) return false;
  // Admins manage others' workspaces but do not enter them (as with exec): owner level is the owner's.
  return level === 'authenticated' || viewerId === ownerId;
}

/** Why a share request is refused, or `undefined` when the org allows it. */
export function shareProblem(wanted: ShareLevel, orgMax: ShareLevel, org: string): string | undefined {
  if (effectiveLevel(wanted, orgMax) === wanted) return undefined;
  return `org ${org} allows sharing up to "${orgMax}", not "${wanted}": choose --level ${orgMax} or ask an org admin ("hearth orgs policy set ${org} --max-share ${wanted}")`;
}
