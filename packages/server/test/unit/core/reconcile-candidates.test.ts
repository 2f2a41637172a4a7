/** Which workspaces and containers the periodic reconcile pass reads further. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  lostWorkspaces,
  runningContainerIds,
  unaccountedContainers,
} from '../../../src/core/reconcile-candidates.js';

const running = [
  { id: 'w-ok', container_id: 'c-ok' },
  { id: 'w-dead', container_id: 'c-dead' },
  { id: 'w-gone', container_id: 'c-gone' },
  { id: 'w-none', container_id: null },
];
const containers = [
  { id: 'c-ok', status: 'running', workspaceId: 'w-ok' },
  { id: 'c-dead', status: 'exited', workspaceId: 'w-dead' },
  { id: 'c-building', status: 'running', workspaceId: 'w-building' },
  { id: 'c-deleted', status: 'running', workspaceId: 'w-deleted' },
  { id: 'c-unlabelled', status: 'running', workspaceId: undefined },
];

describe('reconcile candidates', () => {
  it('a running workspace is lost when its recorded container is not running on the engine', () => {
    assert.deepEqual(
      lostWorkspaces(running, runningContainerIds(containers)).map((w) => w.id),
      ['w-dead', 'w-gone', 'w-none'],
    );
  });

  it('a running container whose id is recorded by another workspace does not save this one', () => {
    assert.deepEqual(
      lostWorkspaces(
        [{ id: 'w', container_id: 'c-other' }],
        runningContainerIds([{ id: 'c', status: 'running', workspaceId: 'w' }]),
      ),
      [{ id: 'w', container_id: 'c-other' }],
    );
  });

  it('only containers no running workspace accounts for are asked about, unlabelled ones included', () => {
    assert.deepEqual(
      unaccountedContainers(new Set(running.map((w) => w.id)), containers).map((c) => c.id),
      ['c-building', 'c-deleted', 'c-unlabelled'],
    );
  });

  it('nothing running and nothing on the engine: nothing to read', () => {
    assert.deepEqual(lostWorkspaces([], runningContainerIds([])), []);
    assert.deepEqual(unaccountedContainers(new Set(), []), []);
  });

  it("only running containers count as a workspace's container", () => {
    assert.deepEqual(
      [...runningContainerIds(containers)],
      ['c-ok', 'c-building', 'c-deleted', 'c-unlabelled'],
    );
  });
});
