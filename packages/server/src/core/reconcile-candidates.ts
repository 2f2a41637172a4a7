/**
 * What the periodic reconcile pass has to look at, decided from two cheap lists: the running
 * workspaces' recorded containers (two columns each, from the store) and this installation's
 * containers on the engine. Only the workspaces and containers these pick are read further.
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

/** Running workspaces whose recorded container is not running on the engine (gone, or dead). */
export function lostWorkspaces(
  running: readonly RunningRecord[],
  containers: readonly EngineContainer[],
): RunningRecord[] {
  const runningIds = new Set(containers.filter((c) => c.status === 'running').map((c) => c.id));
  return running.filter((w) => w.container_id === null || !runningIds.has(w.container_id));
}

/**
 * Containers whose workspace the running list does not account for: only these can be orphans,
 * and only whether their workspaces still exist is asked of the store. A container without a
 * workspace label is one too (it can belong to no workspace).
 */
export function unaccountedContainers<C extends EngineContainer>(
  running: readonly RunningRecord[],
  containers: readonly C[],
): C[] {
  const runningIds = new Set(running.map((w) => w.id));
  return containers.filter((c) => c.workspaceId === undefined || !runningIds.has(c.workspaceId));
}
