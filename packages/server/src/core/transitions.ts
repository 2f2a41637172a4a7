/**
 * The workspace state machine: one table decides which events are legal in which state.
 * Requests from people (rebuild, start, stop, delete) and facts from the system (a build started,
 * finished, the container vanished) are both events; anything not in the table is illegal.
 */
import type { WorkspaceState } from '@hearth/sdk';

export type WorkspaceEvent =
  /** A person or automation asks for a build (create, rebuild, start, autostart, admin rebuild). */
  | 'rebuild'
  | 'start'
  /** The queue hands the build to a worker. */
  | 'build_started'
  | 'build_succeeded'
  | 'build_failed'
  | 'stop'
  /** The container has been stopped and removed. */
  | 'stopped'
  /** The engine no longer has the container of a running workspace. */
  | 'runtime_lost'
  | 'delete';

const TABLE: Record<WorkspaceState, Partial<Record<WorkspaceEvent, WorkspaceState>>> = {
  // A stop during a build cancels it: see WorkspaceService.finishStop.
  pending: { build_started: 'building', build_failed: 'failed', stop: 'stopping', delete: 'deleting' },
  building: { build_succeeded: 'running', build_failed: 'failed', stop: 'stopping', delete: 'deleting' },
  running: { rebuild: 'pending', stop: 'stopping', runtime_lost: 'stopped', delete: 'deleting' },
  stopping: { stopped: 'stopped', delete: 'deleting' },
  stopped: { rebuild: 'pending', start: 'pending', delete: 'deleting' },
  failed: { rebuild: 'pending', start: 'pending', stop: 'stopping', delete: 'deleting' },
  deleting: {},
};

/** The state `event` leads to from `state`, or `undefined` when the event is illegal there. */
export function nextState(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState | undefined {
  return TABLE[state][event];
}

/** Why `event` is illegal in `state`, phrased for the person who asked, with what to do instead. */
export function illegalReason(name: string, state: WorkspaceState, event: WorkspaceEvent): string {
  const busy = `a build is ${state === 'pending' ? 'queued' : 'in progress'}; wait for it (hearth logs ${name} --follow), or cancel it with "hearth stop ${name}"`;
  switch (event) {
    case 'start':
      if (state === 'running')
        return `workspace ${name} is already running; use "hearth rebuild ${name}" to rebuild it`;
      if (state === 'pending' || state === 'building') return `workspace ${name} is ${state}: ${busy}`;
      break;
    case 'rebuild':
      if (state === 'pending' || state === 'building') return `workspace ${name} is ${state}: ${busy}`;
      break;
    case 'stop':
      if (state === 'stopped') return `workspace ${name} is already stopped`;
      if (state === 'stopping') return `workspace ${name} is already stopping`;
      break;
    case 'delete':
      return `workspace ${name} is already being deleted`;
  }
  return `workspace ${name} is ${state}; "${event}" is not possible in that state`;
}

/** States in which a build is queued or running. */
export const isBuilding = (state: WorkspaceState): boolean => state === 'pending' || state === 'building';
