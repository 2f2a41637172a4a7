import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkspaceState } from '@hearth/sdk';
import { illegalReason, isBuilding, nextState, type WorkspaceEvent } from '../../../src/core/transitions.js';

// Written out from DESIGN.md's state diagram, not copied from the source: a person's request
// (rebuild, start) queues a build (pending); the queue and the build report facts; a stop
// during a build cancels it; delete works from every state but deleting. The Record types make the compiler insist every state and
// every event is listed here.
const LEGAL: Record<WorkspaceState, Partial<Record<WorkspaceEvent, WorkspaceState>>> = {
  pending: { build_started: 'building', build_failed: 'failed', stop: 'stopping', delete: 'deleting' },
  building: { build_succeeded: 'running', build_failed: 'failed', stop: 'stopping', delete: 'deleting' },
  running: { rebuild: 'pending', stop: 'stopping', runtime_lost: 'stopped', delete: 'deleting' },
  stopping: { stopped: 'stopped', delete: 'deleting' },
  stopped: { rebuild: 'pending', start: 'pending', delete: 'deleting' },
  failed: { rebuild: 'pending', start: 'pending', stop: 'stopping', delete: 'deleting' },
  deleting: {},
};
const EVENT_SET: Record<WorkspaceEvent, true> = {
  rebuild: true,
  start: true,
  build_started: true,
  build_succeeded: true,
  build_failed: true,
  stop: true,
  stopped: true,
  runtime_lost: true,
  delete: true,
};
const STATES = Object.keys(LEGAL) as WorkspaceState[];
const EVENTS = Object.keys(EVENT_SET) as WorkspaceEvent[];

describe('nextState', () => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const expected = LEGAL[state][event];
      const then = expected ? `then it moves to ${expected}` : 'then it is illegal';
      it(`given ${state}, when ${event}, ${then}`, () => {
        assert.equal(nextState(state, event), expected);
      });
    }
  }

  it('given any state but deleting, when delete, then it moves to deleting', () => {
    for (const state of STATES.filter((s) => s !== 'deleting'))
      assert.equal(nextState(state, 'delete'), 'deleting');
  });

  it('given deleting, when any event arrives, then nothing is legal (deleting is terminal)', () => {
    assert.deepEqual(
      EVENTS.filter((e) => nextState('deleting', e) !== undefined),
      [],
    );
  });

  it('given a workspace just created, when its build runs and succeeds, then it walks pending → building → running', () => {
    const path: WorkspaceState[] = ['pending'];
    for (const event of ['build_started', 'build_succeeded'] as const)
      path.push(nextState(path.at(-1)!, event)!);
    assert.deepEqual(path, ['pending', 'building', 'running']);
  });

  it('given a running workspace, when stopped and started again, then it walks running → stopping → stopped → pending → building', () => {
    const path: WorkspaceState[] = ['running'];
    for (const event of ['stop', 'stopped', 'start', 'build_started'] as const)
      path.push(nextState(path.at(-1)!, event)!);
    assert.deepEqual(path, ['running', 'stopping', 'stopped', 'pending', 'building']);
  });

  it('given every legal transition, when followed, then no state is a dead end except deleting', () => {
    for (const state of STATES.filter((s) => s !== 'deleting')) {
      const exits = EVENTS.map((e) => nextState(state, e)).filter((s) => s !== undefined && s !== 'deleting');
      assert.ok(exits.length > 0, `${state} can only be deleted`);
    }
  });
});

describe('illegalReason', () => {
  it('given running, when start, then it says already running and points to rebuild', () => {
    const reason = illegalReason('api', 'running', 'start');
    assert.match(reason, /workspace api is already running/);
    assert.match(reason, /hearth rebuild api/);
  });

  it('given stopped, when stop, then it says already stopped', () => {
    assert.equal(illegalReason('api', 'stopped', 'stop'), 'workspace api is already stopped');
  });

  it('given building, when rebuild, then it says to wait and how to follow the logs', () => {
    const reason = illegalReason('api', 'building', 'rebuild');
    assert.match(reason, /workspace api is building/);
    assert.match(reason, /in progress/);
    assert.match(reason, /wait/);
    assert.match(reason, /hearth logs api --follow/);
  });

  it('given pending, when rebuild or start, then it says a build is queued and to wait for it', () => {
    for (const event of ['rebuild', 'start'] as const) {
      const reason = illegalReason('api', 'pending', event);
      assert.match(reason, /workspace api is pending: a build is queued; wait/);
      assert.match(reason, /hearth logs api --follow/);
    }
  });

  it('given building, when start, then it says to wait for the build', () => {
    assert.match(
      illegalReason('api', 'building', 'start'),
      /in progress; wait for it \(hearth logs api --follow\)/,
    );
  });

  it('given pending or building, when rebuild, then it also says how to cancel the build', () => {
    for (const state of ['pending', 'building'] as const)
      assert.match(illegalReason('api', state, 'rebuild'), /or cancel it with "hearth stop api"$/);
  });

  it('given stopping, when stop, then it says already stopping', () => {
    assert.equal(illegalReason('api', 'stopping', 'stop'), 'workspace api is already stopping');
  });

  it('given deleting, when delete, then it says already being deleted', () => {
    assert.equal(illegalReason('api', 'deleting', 'delete'), 'workspace api is already being deleted');
  });

  it('given any other illegal pair, when asked why, then it names the workspace, the state and the event', () => {
    assert.equal(
      illegalReason('api', 'stopping', 'start'),
      'workspace api is stopping; "start" is not possible in that state',
    );
    for (const state of STATES) {
      for (const event of EVENTS) {
        if (nextState(state, event) !== undefined) continue;
        const reason = illegalReason('api', state, event);
        assert.match(reason, /^workspace api is /, `${state}/${event}`);
        assert.ok(reason.includes(state) || reason.includes('already'), `${state}/${event}: ${reason}`);
      }
    }
  });
});

describe('isBuilding', () => {
  it('given each state, when asked, then only pending and building count as building', () => {
    assert.deepEqual(STATES.filter(isBuilding), ['pending', 'building']);
  });
});
