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
  findWorkspaceStates,
  updateWorkspaceInState,
  updateWorkspacesInState,
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

/** One workspace of {@link applyTransitions}, with its own reason. */
export interface TransitionItem {
  readonly ws: WorkspaceRecord;
  readonly reason: Reason;
}

/** What {@link applyTransitions} did: the items moved, and each one refused with its error. */
export interface TransitionOutcome {
  readonly moved: TransitionItem[];
  readonly refused: { readonly item: TransitionItem; readonly error: HearthError }[];
}

/**
 * {@link applyTransition} for many workspaces: one compare-and-set statement per current state,
 * reason code and actor (up to 500 workspaces each), the messages per workspace. An item whose
 * event is illegal, or whose workspace someone else changed meanwhile, is refused with the
 * conflict `applyTransition` throws; the records of those moved are updated in place.
 */
export async function applyTransitions(
  db: Executor,
  items: readonly TransitionItem[],
  event: WorkspaceEvent,
  now: string,
  patch: WorkspacePatch = {},
): Promise<TransitionOutcome> {
  const outcome: TransitionOutcome = { moved: [], refused: [] };
  const groups = new Map<string, TransitionItem[]>();
  for (const item of items) {
    const state = item.ws.state as WorkspaceState;
    if (!nextState(state, event)) {
      outcome.refused.push({ item, error: conflict(item.ws, state, event) });
      continue;
    }
    const key = JSON.stringify([state, item.reason.code, item.reason.actor]);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const { ws: first, reason } = group[0]!;
    const state = first.state as WorkspaceState;
    const change = {
      ...patch,
      state: nextState(state, event)!,
      state_reason: reason.code,
      state_actor: reason.actor,
      state_changed_at: now,
      updated_at: now,
    };
    for (let i = 0; i < group.length; i += 500) {
      const part = group.slice(i, i + 500);
      const rows = part.map(({ ws, reason: r }) => ({ id: ws.id, message: r.message }));
      const written = await updateWorkspacesInState(db, rows, state, change);
      const lost = part.filter((item) => !written.has(item.ws.id));
      const current =
        lost.length > 0
          ? await findWorkspaceStates(
              db,
              lost.map((item) => item.ws.id),
            )
          : new Map();
      for (const item of part) {
        if (written.has(item.ws.id)) {
          Object.assign(item.ws, change, { state_message: item.reason.message });
          outcome.moved.push(item);
        } else {
          const now = (current.get(item.ws.id) ?? 'deleting') as WorkspaceState;
          outcome.refused.push({ item, error: conflict(item.ws, now, event) });
        }
      }
    }
  }
  return outcome;
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
