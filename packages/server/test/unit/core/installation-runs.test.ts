// Tests src/core/installation-runs.ts: which run markers mean another live server, which are litter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeRuns, type RunMarker } from '../../../src/core/installation-runs.js';

const STALE = 45_000;
const marker = (name: string, run: string, createdAt: string, extra: Partial<RunMarker> = {}): RunMarker => ({
  name,
  run,
  host: 'h1',
  pid: 10,
  createdAt,
  ...extra,
});
const self = { run: 'me', marker: 'm-me-2' };
const alive = () => false;

describe('judgeRuns', () => {
  it('given only this run’s markers, sees nobody live and drops its older ones', () => {
    const v = judgeRuns(
      [marker('m-me-1', 'me', '2026-06-10T10:00:00Z'), marker('m-me-2', 'me', '2026-06-10T10:00:15Z')],
      self,
      STALE,
      alive,
    );
    assert.deepEqual(v.live, []);
    assert.deepEqual(
      v.stale.map((m) => m.name),
      ['m-me-1'],
    );
  });

  it('given another run’s marker younger than the limit on the engine’s clock, it is live', () => {
    const other = marker('m-other', 'other', '2026-06-10T10:00:00Z');
    const v = judgeRuns([other, marker('m-me-2', 'me', '2026-06-10T10:00:44Z')], self, STALE, alive);
    assert.deepEqual(v.live, [other]);
    assert.deepEqual(v.stale, []);
  });

  it('given another run’s marker as old as the limit, or of a dead run, it is litter', () => {
    const old = marker('m-old', 'old', '2026-06-10T10:00:00Z');
    const dead = marker('m-dead', 'dead', '2026-06-10T10:00:40Z', { pid: 99 });
    const v = judgeRuns(
      [old, dead, marker('m-me-2', 'me', '2026-06-10T10:00:45Z')],
      self,
      STALE,
      (m) => m.pid === 99,
    );
    assert.deepEqual(v.live, []);
    assert.deepEqual(
      v.stale.map((m) => m.name),
      ['m-old', 'm-dead'],
    );
  });

  it('given a creation time it cannot read, counts the marker live: in doubt nothing is removed', () => {
    const odd = marker('m-odd', 'odd', 'yesterday');
    const v = judgeRuns([odd, marker('m-me-2', 'me', '2026-06-10T10:00:45Z')], self, STALE, alive);
    assert.deepEqual(v.live, [odd]);
  });
});
