/**
 * What the periodic reconcile pass has to look at, decided from two cheap lists: the running
 * workspaces' recorded containers (two columns each, from the store) and this installation's
 * containers on the engine. Only the workspaces and containers these pick are read further. The
 * running list is read page by page: each page is checked against the set of running container
 * ids, made once, and the ids of every page together tell the unaccounted containers.
 */

/** A running workspace as the store records it: its id and its container's. */
export interface RunningRecord {
  readonly id: string;
  readonly container_id: string | null;
}

/** A container of this installation on the engine, with the workspace its label names. */
export interface EngineContainer {
  readonly id: string;
  readonly status: string;
  readonly workspaceId: string | undefined;
}

/** The ids of the engine's containers that run: what a running workspace's container must be one of. */
export function runningContainerIds(containers: readonly EngineContainer[]): Set<string> {
  const ids = new Set<string>();
  for (const c of containers) if (c.status === 'running') ids.add(c.id);
  return ids;
}

/** Running workspaces whose recorded container is not running on the engine (gone, or dead). */
export function lostWorkspaces(
  running: readonly RunningRecord[],
  runningContainers: ReadonlySet<string>,
): RunningRecord[] {
  return running.filter((w) => w.container_id === null || !runningContainers.has(w.container_id));
}

/**
 * Containers whose workspace the running list (`runningIds`, its workspaces' ids) does not account
 * for: only these can be orphans, and only whether their workspaces still exist is asked of the
 * store. A container without a workspace label is one too (it can belong to no workspace).
 */
export function unaccountedContainers<C extends EngineContainer>(
  runningIds: ReadonlySet<string>,
  containers: readonly C[],
): C[] {
  return containers.filter((c) => c.workspaceId === undefined || !runningIds.has(c.workspaceId));
}
