/**
 * The lifecycle executor's decisions, as pure functions of a workspace, its org's policy, its
 * owner's schedule and the time. The executor loads, locks, re-checks with these, and acts.
 */
import type { WorkspaceState } from '@hearth/sdk';
import { type AutostartSchedule, type Weekday, weekdayAt } from './schedule.js';
import { type Parsed, parseDuration } from './units.js';

/** An org's lifecycle policy. */
export interface LifecyclePolicy {
  /** Idle time after which a running workspace is stopped; 0 = never. */
  readonly autoOffMs: number;
  /** Whether owners may choose a shorter auto-off for their own workspaces. */
  readonly userOverride: boolean;
  /** Weekdays on which auto-start may fire. */
  readonly autostartDays: readonly Weekday[];
  /** Auto-start skips a workspace nobody used for this many days. */
  readonly skipUnusedDays: number;
}

/** What the decisions need to know about one workspace. */
export interface LifecycleFacts {
  readonly state: WorkspaceState;
  readonly lastActivityAt: Date | null;
  /** The owner's own auto-off for this workspace, if any. */
  readonly autoOffOverrideMs: number | null;
  /** The auto-off instant already warned about, if any. */
  readonly autoOffWarnedFor: Date | null;
  /** Exec, terminal and SSH sessions open right now. */
  readonly openSessions: number;
  readonly autostart: boolean;
  /** The schedule firing this workspace was last auto-started for. */
  readonly autostartFiredFor: Date | null;
  /** Durations of recent successful builds, for "ready by". */
  readonly recentBuildsMs: readonly number[];
}

/** The owner's schedule and the firing the executor is working towards. */
export interface ScheduleFacts extends AutostartSchedule {
  readonly nextFireAt: Date;
}

export interface Timing {
  /** How long before an auto-off the warning is recorded. */
  readonly warningMs: number;
  /** A firing the server missed by more than this is skipped, not made up for. */
  readonly missedAfterMs: number;
  /** "Ready by" starts a build at most this early. */
  readonly maxLeadMs: number;
}

export const DEFAULT_TIMING: Timing = {
  warningMs: 15 * 60_000,
  missedAfterMs: 60 * 60_000,
  maxLeadMs: 30 * 60_000,
};

/** A build's duration when a workspace has no successful build to learn from. */
export const DEFAULT_LEAD_MS = 60_000;

export type Transition =
  | { readonly kind: 'none' }
  /** Sessions are open past the deadline: record activity instead of stopping. */
  | { readonly kind: 'keep_alive' }
  | { readonly kind: 'warn_auto_off'; readonly at: Date }
  | { readonly kind: 'auto_off'; readonly idleMs: number }
  | { readonly kind: 'autostart'; readonly fireAt: Date }
  | { readonly kind: 'skip_autostart'; readonly fireAt: Date; readonly reason: string };

/** The auto-off threshold in force for a workspace: the org's, or the owner's shorter one. 0 = never. */
export function effectiveAutoOffMs(policy: LifecyclePolicy, overrideMs: number | null): number {
  if (!policy.userOverride || overrideMs === null || overrideMs <= 0) return policy.autoOffMs;
  return policy.autoOffMs === 0 ? overrideMs : Math.min(policy.autoOffMs, overrideMs);
}

/** An auto-off threshold in words: `never`, `2h`. */
export const autoOffWords = (ms: number): string => (ms <= 0 ? 'never' : formatDurationMs(ms));

/**
 * Why the owner's own auto-off is not the one in force, in words, or null when it is (or there is
 * none). Only a shorter one than the org's applies, and only when the org lets owners choose.
 */
export function ownAutoOffNote(
  policy: Pick<LifecyclePolicy, 'autoOffMs' | 'userOverride'>,
  overrideMs: number | null,
  org: string,
): string | null {
  if (overrideMs === null) return null;
  const own = autoOffWords(overrideMs);
  const orgs = autoOffWords(policy.autoOffMs);
  if (!policy.userOverride) {
    return `org ${org} does not let owners choose their auto-off, so the org's auto-off applies (${orgs}), not your ${own} (an org admin allows it with "hearth orgs policy set ${org} --user-override")`;
  }
  const effective = effectiveAutoOffMs(policy as LifecyclePolicy, overrideMs);
  if (effective === overrideMs) return null;
  return `your own auto-off (${own}) is longer than org ${org}'s maximum of ${orgs}, so ${orgs} applies`;
}

/** When a running workspace last active at `lastActivityAt` is stopped, or null for never. */
export function autoOffAt(lastActivityAt: Date | null, thresholdMs: number): Date | null {
  if (thresholdMs <= 0 || !lastActivityAt) return null;
  return new Date(lastActivityAt.getTime() + thresholdMs);
}

/** How early to start so the build is done by the user's time: p90 of recent builds, capped. */
export function readyByLeadMs(recentBuildsMs: readonly number[], capMs: number): number {
  if (recentBuildsMs.length === 0) return Math.min(DEFAULT_LEAD_MS, capMs);
  const sorted = [...recentBuildsMs].sort((a, b) => a - b);
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1]!;
  return Math.min(p90, capMs);
}

/** The longest auto-off: a year (longer is never). */
export const MAX_AUTO_OFF_MS = 365 * 86_400_000;

/** Parses an auto-off duration (`2h`, `90m`; `never`, `off`, `0` or `0s` = never). */
export function parseAutoOff(input: string): Parsed<number> {
  if (['0', 'never', 'off'].includes(input.trim().toLowerCase())) return { ok: true, value: 0 };
  const parsed = parseDuration('auto-off', input, MAX_AUTO_OFF_MS);
  if (!parsed.ok) return { ok: false, problem: `${parsed.problem} (or never)` };
  if (parsed.value !== 0 && parsed.value < 60_000)
    return { ok: false, problem: `auto-off "${input}" is too short: at least 1m (or never)` };
  return parsed;
}

/**
 * What should happen to a workspace now. Auto-off concerns running workspaces; auto-start
 * concerns stopped ones whose owner has a schedule and who opted in.
 */
export function nextTransition(
  ws: LifecycleFacts,
  policy: LifecyclePolicy,
  schedule: ScheduleFacts | null,
  now: Date,
  timing: Timing = DEFAULT_TIMING,
): Transition {
  if (ws.state === 'running') return autoOffDecision(ws, policy, now, timing);
  if (ws.state === 'stopped' && schedule && ws.autostart)
    return autostartDecision(ws, policy, schedule, now, timing);
  return { kind: 'none' };
}

function autoOffDecision(ws: LifecycleFacts, policy: LifecyclePolicy, now: Date, timing: Timing): Transition {
  const threshold = effectiveAutoOffMs(policy, ws.autoOffOverrideMs);
  const at = autoOffAt(ws.lastActivityAt, threshold);
  if (!at) return { kind: 'none' };
  if (now.getTime() >= at.getTime()) {
    if (ws.openSessions > 0) return { kind: 'keep_alive' };
    return { kind: 'auto_off', idleMs: now.getTime() - ws.lastActivityAt!.getTime() };
  }
  const warned = ws.autoOffWarnedFor?.getTime() === at.getTime();
  if (!warned && ws.openSessions === 0 && now.getTime() >= at.getTime() - timing.warningMs)
    return { kind: 'warn_auto_off', at };
  return { kind: 'none' };
}

function autostartDecision(
  ws: LifecycleFacts,
  policy: LifecyclePolicy,
  schedule: ScheduleFacts,
  now: Date,
  timing: Timing,
): Transition {
  const fireAt = schedule.nextFireAt;
  if (ws.autostartFiredFor?.getTime() === fireAt.getTime()) return { kind: 'none' };
  const lead = readyByLeadMs(ws.recentBuildsMs, timing.maxLeadMs);
  if (now.getTime() < fireAt.getTime() - lead) return { kind: 'none' };
  const skip = (reason: string): Transition => ({ kind: 'skip_autostart', fireAt, reason });
  if (now.getTime() > fireAt.getTime() + timing.missedAfterMs)
    return skip(
      `the server missed the ${schedule.time} start by more than ${timing.missedAfterMs / 60_000} minutes`,
    );
  const day = weekdayAt(fireAt, schedule.timezone);
  if (!policy.autostartDays.includes(day)) return skip(`the org does not allow auto-start on ${day}`);
  const unusedMs = policy.skipUnusedDays * 86_400_000;
  if (
    policy.skipUnusedDays > 0 &&
    ws.lastActivityAt &&
    now.getTime() - ws.lastActivityAt.getTime() > unusedMs
  )
    return skip(`unused for more than ${policy.skipUnusedDays} day${policy.skipUnusedDays === 1 ? '' : 's'}`);
  return { kind: 'autostart', fireAt };
}

/**
 * The firing to work towards once `fireAt` has been handled at `now`: the next one after it, or,
 * when the server was down for longer, the next one after now.
 */
export function advanceFire(
  nextFireFn: (after: Date) => Date,
  fireAt: Date,
  now: Date,
  timing: Timing = DEFAULT_TIMING,
): Date {
  const next = nextFireFn(fireAt);
  return next.getTime() + timing.missedAfterMs < now.getTime() ? nextFireFn(now) : next;
}

/** A duration in the largest unit that divides it: `2h`, `90m`, `45s`; `0` for never. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
