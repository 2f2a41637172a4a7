/**
 * Reading an org's lifecycle policy from its row, and keeping a workspace's stored auto-off
 * deadline in step with its activity and that policy (the executor selects on the deadline).
 */
import { autoOffAt, effectiveAutoOffMs, type LifecyclePolicy } from '../core/lifecycle.js';
import { WEEKDAYS, type Weekday } from '../core/schedule.js';
import type { Executor } from '../store/repositories/executor.js';
import { findAutoOffFacts, updateLifecycle } from '../store/repositories/lifecycle.repository.js';
import type { OrgRow } from '../store/schema.js';

export function policyOf(org: OrgRow): LifecyclePolicy {
  const days = org.autostart_days.split(',');
  return {
    autoOffMs: Number(org.auto_off_ms),
    userOverride: org.auto_off_user_override === 1,
    autostartDays: WEEKDAYS.filter((d) => days.includes(d)) as Weekday[],
    skipUnusedDays: org.autostart_skip_unused_days,
  };
}

/**
 * Writes the workspace's last activity (when given) and its recomputed auto-off deadline. The
 * deadline is kept only while the workspace runs.
 */
export async function refreshAutoOff(db: Executor, workspaceId: string, activity?: Date): Promise<void> {
  const row = await findAutoOffFacts(db, workspaceId);
  if (!row) return;
  const stored = row.last_activity_at ? new Date(row.last_activity_at) : null;
  const last = activity && (!stored || activity > stored) ? activity : stored;
  const threshold = effectiveAutoOffMs(policyOf(row as OrgRow), row.auto_off_override_ms);
  // A workspace running since before activity was recorded counts from when it started running.
  const since = last ?? new Date(row.state_changed_at);
  const deadline = row.state === 'running' ? autoOffAt(since, threshold) : null;
  await updateLifecycle(db, workspaceId, {
    last_activity_at: last?.toISOString() ?? null,
    auto_off_at: deadline?.toISOString() ?? null,
  });
}
