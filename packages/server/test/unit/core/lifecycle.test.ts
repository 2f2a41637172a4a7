import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  advanceFire,
  autoOffAt,
  DEFAULT_TIMING,
  effectiveAutoOffMs,
  type LifecycleFacts,
  type LifecyclePolicy,
  nextTransition,
  ownAutoOffNote,
  parseAutoOff,
  readyByLeadMs,
  type ScheduleFacts,
} from '../../../src/core/lifecycle.js';
import { nextFire, WEEKDAYS } from '../../../src/core/schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const t0 = new Date('2026-06-10T10:00:00Z');
const plus = (ms: number, from = t0) => new Date(from.getTime() + ms);

const policy = (p: Partial<LifecyclePolicy> = {}): LifecyclePolicy => ({
  autoOffMs: 2 * HOUR,
  userOverride: false,
  autostartDays: WEEKDAYS,
  skipUnusedDays: 4,
  ...p,
});
const facts = (f: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
  state: 'running',
  lastActivityAt: t0,
  autoOffOverrideMs: null,
  autoOffWarnedFor: null,
  openSessions: 0,
  autostart: true,
  autostartFiredFor: null,
  recentBuildsMs: [],
  ...f,
});
// Wednesday 2026-06-10, 08:30 Berlin = 06:30Z.
const fireAt = new Date('2026-06-10T06:30:00Z');
const schedule: ScheduleFacts = {
  time: '08:30',
  timezone: 'Europe/Berlin',
  days: WEEKDAYS,
  nextFireAt: fireAt,
};

describe('auto-off thresholds', () => {
  it('uses the org value unless owners may override, and then only a shorter one', () => {
    assert.equal(effectiveAutoOffMs(policy(), 30 * MIN), 2 * HOUR);
    assert.equal(effectiveAutoOffMs(policy({ userOverride: true }), 30 * MIN), 30 * MIN);
    assert.equal(effectiveAutoOffMs(policy({ userOverride: true }), 5 * HOUR), 2 * HOUR);
    assert.equal(effectiveAutoOffMs(policy({ userOverride: true }), null), 2 * HOUR);
    assert.equal(effectiveAutoOffMs(policy({ userOverride: true, autoOffMs: 0 }), 30 * MIN), 30 * MIN);
    assert.equal(effectiveAutoOffMs(policy({ autoOffMs: 0 }), 30 * MIN), 0);
  });

  it('computes the deadline from the last activity; never when 0 or never active', () => {
    assert.equal(autoOffAt(t0, HOUR)?.toISOString(), plus(HOUR).toISOString());
    assert.equal(autoOffAt(t0, 0), null);
    assert.equal(autoOffAt(null, HOUR), null);
  });

  it('parses durations and rejects negative, nonsense and sub-minute values', () => {
    assert.deepEqual(parseAutoOff('2h'), { ok: true, value: 2 * HOUR });
    assert.deepEqual(parseAutoOff('0'), { ok: true, value: 0 });
    assert.deepEqual(parseAutoOff('0s'), { ok: true, value: 0 });
    for (const bad of ['-5m', 'banana', '', '2 hours', '1.5h', '30s']) assert.ok(!parseAutoOff(bad).ok, bad);
    assert.deepEqual(parseAutoOff('365d'), { ok: true, value: 365 * 24 * HOUR });
    for (const huge of ['366d', '99999999999999999999d'])
      assert.match((parseAutoOff(huge) as { problem: string }).problem, /too long: at most 365d/, huge);
  });
});

describe('nextTransition: auto-off', () => {
  it('does nothing before the warning window, warns inside it once, stops at the threshold', () => {
    assert.deepEqual(nextTransition(facts(), policy(), null, plus(HOUR)), { kind: 'none' });
    const warn = nextTransition(facts(), policy(), null, plus(2 * HOUR - 10 * MIN));
    assert.deepEqual(warn, { kind: 'warn_auto_off', at: plus(2 * HOUR) });
    const warned = facts({ autoOffWarnedFor: plus(2 * HOUR) });
    assert.deepEqual(nextTransition(warned, policy(), null, plus(2 * HOUR - 5 * MIN)), { kind: 'none' });
    assert.deepEqual(nextTransition(warned, policy(), null, plus(2 * HOUR)), {
      kind: 'auto_off',
      idleMs: 2 * HOUR,
    });
  });

  it('warns again after new activity moved the deadline', () => {
    const ws = facts({ lastActivityAt: plus(HOUR), autoOffWarnedFor: plus(2 * HOUR) });
    assert.equal(nextTransition(ws, policy(), null, plus(3 * HOUR - MIN)).kind, 'warn_auto_off');
  });

  it('keeps a workspace with an open session alive instead of stopping it', () => {
    const ws = facts({ openSessions: 2 });
    assert.deepEqual(nextTransition(ws, policy(), null, plus(5 * HOUR)), { kind: 'keep_alive' });
    assert.deepEqual(nextTransition(ws, policy(), null, plus(2 * HOUR - MIN)), { kind: 'none' });
  });

  it('never stops when the org says 0, and follows a changed policy at once', () => {
    assert.deepEqual(nextTransition(facts(), policy({ autoOffMs: 0 }), null, plus(1000 * HOUR)), {
      kind: 'none',
    });
    assert.equal(nextTransition(facts(), policy({ autoOffMs: 30 * MIN }), null, plus(HOUR)).kind, 'auto_off');
  });

  it('uses an owner override only when allowed', () => {
    const ws = facts({ autoOffOverrideMs: 30 * MIN });
    assert.equal(nextTransition(ws, policy(), null, plus(40 * MIN)).kind, 'none');
    assert.equal(nextTransition(ws, policy({ userOverride: true }), null, plus(40 * MIN)).kind, 'auto_off');
  });

  it('leaves workspaces in other states alone', () => {
    for (const state of ['pending', 'building', 'stopping', 'failed', 'deleting'] as const)
      assert.deepEqual(nextTransition(facts({ state }), policy(), schedule, plus(100 * HOUR)), {
        kind: 'none',
      });
  });
});

describe('nextTransition: auto-start', () => {
  const stopped = (f: Partial<LifecycleFacts> = {}) =>
    facts({ state: 'stopped', lastActivityAt: new Date('2026-06-09T17:00:00Z'), ...f });

  it('starts early by the default lead without history, not before', () => {
    assert.equal(nextTransition(stopped(), policy(), schedule, plus(-2 * MIN, fireAt)).kind, 'none');
    assert.deepEqual(nextTransition(stopped(), policy(), schedule, plus(-MIN, fireAt)), {
      kind: 'autostart',
      fireAt,
    });
  });

  it('starts early by the p90 of recent builds (ready by), capped at 30 minutes', () => {
    const ws = stopped({ recentBuildsMs: [60_000, 120_000, 5 * MIN, 90_000, 100_000] });
    assert.equal(nextTransition(ws, policy(), schedule, plus(-5 * MIN - 1, fireAt)).kind, 'none');
    assert.equal(nextTransition(ws, policy(), schedule, plus(-5 * MIN, fireAt)).kind, 'autostart');
    assert.equal(readyByLeadMs([3 * HOUR], 30 * MIN), 30 * MIN);
    assert.equal(readyByLeadMs([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], HOUR), 9);
  });

  it('fires once per firing', () => {
    assert.equal(
      nextTransition(stopped({ autostartFiredFor: fireAt }), policy(), schedule, fireAt).kind,
      'none',
    );
  });

  it('leaves running, opted-out and schedule-less workspaces alone', () => {
    assert.equal(
      nextTransition(stopped({ state: 'running', lastActivityAt: fireAt }), policy(), schedule, fireAt).kind,
      'none',
    );
    assert.equal(nextTransition(stopped({ autostart: false }), policy(), schedule, fireAt).kind, 'none');
    assert.equal(nextTransition(stopped(), policy(), null, fireAt).kind, 'none');
  });

  it('skips workspaces unused for longer than the org allows, with the reason', () => {
    const old = stopped({ lastActivityAt: new Date('2026-06-05T06:00:00Z') });
    const decision = nextTransition(old, policy(), schedule, fireAt);
    assert.equal(decision.kind, 'skip_autostart');
    assert.match((decision as { reason: string }).reason, /unused for more than 4 days/);
    assert.equal(nextTransition(old, policy({ skipUnusedDays: 0 }), schedule, fireAt).kind, 'autostart');
    assert.equal(nextTransition(old, policy({ skipUnusedDays: 7 }), schedule, fireAt).kind, 'autostart');
  });

  it('skips days the org does not allow, judged in the schedule zone', () => {
    const decision = nextTransition(stopped(), policy({ autostartDays: ['mon', 'tue'] }), schedule, fireAt);
    assert.equal(decision.kind, 'skip_autostart');
    assert.match((decision as { reason: string }).reason, /wed/);
  });

  it('skips a firing missed by more than an hour, makes up a shorter miss', () => {
    assert.equal(nextTransition(stopped(), policy(), schedule, plus(59 * MIN, fireAt)).kind, 'autostart');
    assert.equal(
      nextTransition(stopped(), policy(), schedule, plus(61 * MIN, fireAt)).kind,
      'skip_autostart',
    );
  });

  it('advances to the next firing, or past now after a long outage', () => {
    const next = (after: Date) => nextFire(schedule, after);
    assert.equal(advanceFire(next, fireAt, fireAt).toISOString(), '2026-06-11T06:30:00.000Z');
    const afterOutage = advanceFire(next, fireAt, new Date('2026-06-20T12:00:00Z'), DEFAULT_TIMING);
    assert.equal(afterOutage.toISOString(), '2026-06-21T06:30:00.000Z');
  });

  it('fires 08:30 Berlin the Monday after spring forward at 06:30Z, ready-by included', () => {
    const monday = nextFire(schedule, new Date('2026-03-29T12:00:00Z'));
    assert.equal(monday.toISOString(), '2026-03-30T06:30:00.000Z');
    const s = { ...schedule, nextFireAt: monday };
    const ws = stopped({ lastActivityAt: new Date('2026-03-27T16:00:00Z'), recentBuildsMs: [2 * MIN] });
    assert.equal(nextTransition(ws, policy(), s, new Date('2026-03-30T06:27:59Z')).kind, 'none');
    assert.equal(nextTransition(ws, policy(), s, new Date('2026-03-30T06:28:00Z')).kind, 'autostart');
  });
});

describe('own auto-off', () => {
  const policy = { autoOffMs: 2 * 3_600_000, userOverride: true };

  it('given never, off or 0, when parsed, then each means never', () => {
    for (const word of ['never', 'off', '0', 'Never'])
      assert.deepEqual(parseAutoOff(word), { ok: true, value: 0 });
  });

  it('given an own auto-off shorter than the org maximum, then there is nothing to explain', () => {
    assert.equal(ownAutoOffNote(policy, 30 * 60_000, 'default'), null);
    assert.equal(ownAutoOffNote(policy, null, 'default'), null);
  });

  it('given an own auto-off longer than the org maximum, then the note names what applies', () => {
    assert.equal(
      ownAutoOffNote(policy, 8 * 3_600_000, 'default'),
      "your own auto-off (8h) is longer than org default's maximum of 2h, so 2h applies",
    );
    assert.equal(
      ownAutoOffNote(policy, 0, 'default'),
      "your own auto-off (never) is longer than org default's maximum of 2h, so 2h applies",
    );
  });

  it('given an org that does not allow owners to choose, then the note says so and how to change it', () => {
    assert.match(
      ownAutoOffNote({ ...policy, userOverride: false }, 30 * 60_000, 'default') ?? '',
      /does not let owners choose their auto-off, so the org's auto-off applies \(2h\), not your 30m .*--user-override/,
    );
  });
});
