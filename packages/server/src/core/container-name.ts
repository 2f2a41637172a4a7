/**
 * The engine's name for a workspace's container. Readable (`hearth-dev.api-3-…`), and never the
 * same for two different containers: user and workspace names cannot contain a dot, so the dot
 * alone tells `dev`'s `team-api` (`hearth-dev.team-api-…`) from `dev-team`'s `api`
 * (`hearth-dev-team.api-…`); the workspace id (a random UUID) and the build number end it, so a
 * recreated workspace of the same name, or another server on the same engine, never meets an old
 * name. Nothing reads it back: reconciliation finds containers by their labels.
 */
export function containerName(c: {
  readonly owner: string;
  readonly name: string;
  readonly workspaceId: string;
  readonly build: number;
}): string {
  return `hearth-${c.owner}.${c.name}-${c.build}-${c.workspaceId}`;
}
