/**
 * Applies one state-machine event to a workspace in the store: decided by core's table, written as
 * a compare-and-set on the state so two racing requests cannot both win.
 */
import type { WorkspaceState } from '@hearth/sdk';
import { illegalReason, nextState, type WorkspaceEvent } from '../core/transitions.js';
import { HearthError } from '../errors.js';
import type { Executor } from '../store/repositories/executor.js';
import {
  findWorkspaceState,
  updateWorkspaceInState,
  type WorkspaceRecord,
} from '../store/repositories/workspaces.repository.js';
import type { WorkspacePatch } from '../store/schema.js';

/** Why a workspace changed state, as `show` explains it. */
export interface Reason {
  readonly code: string;
  readonly message: string;
  readonly actor: string;
}

export async function applyTransition(
  db: Executor,
  ws: WorkspaceRecord,
  event: WorkspaceEvent,
  reason: Reason,
  now: string,
  patch: WorkspacePatch = {},
): Promise<WorkspaceState> {
  const state = ws.state as WorkspaceState;
  const next = nextState(state, event);
  if (!next) throw conflict(ws, state, event);
  const change = {
    ...patch,
    state: next,
    state_reason: reason.code,
    state_message: reason.message,
    state_actor: reason.actor,
    state_changed_at: now,
    updated_at: now,
  };
  if (!(await updateWorkspaceInState(db, ws.id, state, change))) {
    const current = await findWorkspaceState(db, ws.id);
    throw conflict(ws, (current ?? 'deleting') as WorkspaceState, event);
  }
  Object.assign(ws, change);
  return next;
}

function conflict(ws: WorkspaceRecord, state: WorkspaceState, event: WorkspaceEvent): HearthError {
  return new HearthError('invalid_transition', illegalReason(ws.name, state, event), {
    state,
    requested: event,
  });
}

/**
 * Records a new reason without changing the state (an engine became unreachable, or answers
 * again), as a compare-and-set on the state; false when the state moved meanwhile.
 */
export async function noteReason(
  db: Executor,
  ws: WorkspaceRecord,
  reason: Reason,
  now: string,
): Promise<boolean> {
  const change = {
    state_reason: reason.code,
    state_message: reason.message,
    state_actor: reason.actor,
    state_changed_at: now,
    updated_at: now,
  };
  const written = await updateWorkspaceInState(db, ws.id, ws.state, change);
  if (written) Object.assign(ws, change);
  return written;
}
