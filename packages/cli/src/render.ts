/** Human output for workspaces and builds: the `list` table, `show`, the stage table. Pure. */
import type { Build, Workspace, WorkspaceLifecycle } from '@hearth/sdk';
import { formatAge, formatBytes, formatCpu, formatDuration, renderTable, shortDigest } from './output.js';
import { buildSummary } from './progress.js';

/** The `hearth list` table; OWNER only when some row belongs to someone else. */
export function workspaceTable(
  rows: readonly Workspace[],
  showOwner: boolean,
  now: Date = new Date(),
): string {
  const owner = showOwner ? ['OWNER'] : [];
  const headers = [
    'NAME',
    ...owner,
    'STATE',
    'IMAGE',
    'CPU',
    'MEMORY',
    'DISK',
    'LAST BUILD',
    'AUTO-OFF',
    'AUTO-START',
    'REASON',
  ];
  return renderTable(
    headers,
    rows.map((w) => [
      w.name,
      ...(showOwner ? [w.owner] : []),
      w.state,
      imageCell(w),
      formatCpu(w.resources.cpu),
      formatBytes(w.resources.memory),
      formatBytes(w.resources.disk),
      buildSummary(w.lastBuild),
      autoOffCell(w, now),
      w.lifecycle.autostart ? 'on' : '-',
      w.stateReason.message,
    ]),
  );
}

/** The IMAGE column of `list`: a workspace that needs a new image says so. */
function imageCell(w: Workspace): string {
  if (!w.imageInCatalogue) return `${w.image} (removed from catalogue)`;
  return w.outdated ? `${w.image} (outdated)` : w.image;
}

function imageNote(w: Workspace): string {
  if (!w.imageInCatalogue) {
    return ` (removed from org ${w.org}'s catalogue: it cannot be rebuilt or started until an org admin adds it back with "hearth images add ${w.image} --org ${w.org}")`;
  }
  return w.outdated ? ` (outdated: the tag has a newer image; "hearth rebuild ${w.name}" picks it up)` : '';
}

/** One row per stage: name, status, duration, error. */
export function stageTable(build: Build): string {
  return renderTable(
    ['STAGE', 'STATUS', 'DURATION', 'ERROR'],
    build.stages.map((s) => [s.name, s.status, formatDuration(s.durationMs), s.error ?? '']),
  );
}

/** `hearth show`: everything a user asks about a workspace, reason first. */
export function workspaceDetails(w: Workspace, now: Date = new Date()): string {
  const r = w.resources;
  const reason = w.stateReason;
  const out = [
    `Workspace:  ${w.owner}/${w.name}`,
    `Org:        ${w.org}`,
    `State:      ${w.state}`,
    `Reason:     ${reason.message} (${reason.code}, by ${reason.actor}, ${formatAge(reason.at, now)})`,
    `Image:      ${w.image}${w.imageDigest ? ` @ ${shortDigest(w.imageDigest)}` : ''}${imageNote(w)}`,
    `Resources:  ${formatCpu(r.cpu)} CPU, ${formatBytes(r.memory)} memory, ${formatBytes(r.disk)} disk, ${r.gpus} GPU`,
    `Disk:       ${diskLine(w)}`,
    `Engine:     ${w.engine}`,
  ];
  if (w.home) out.push(`Home:       ${w.home}${w.username ? ` (user ${w.username})` : ''}`);
  out.push(...lifecycleLines(w, now));
  const b = w.lastBuild;
  if (!b) return [...out, 'Last build: none'].join('\n');
  out.push(`Last build: ${buildSummary(b)} (${b.reason} by ${b.initiator}, ${formatAge(b.queuedAt, now)})`);
  if (b.status === 'queued' && b.queuePosition !== null) out.push(`Queue:      position ${b.queuePosition}`);
  if (b.error) out.push(`Error:      ${b.error}`);
  for (const warning of b.warnings) out.push(`Warning:    ${warning}`);
  if (b.stages.length > 0) out.push('', indent(stageTable(b)));
  return out.join('\n');
}

/** `in 1h05m` until auto-off, `-` when it never stops on its own. */
function autoOffCell(w: Workspace, now: Date): string {
  const at = w.lifecycle.autoOffAt;
  if (!at) return '-';
  return `${w.lifecycle.autoOffWarning ? '! ' : ''}in ${formatDuration(Math.max(0, Date.parse(at) - now.getTime()))}`;
}

function lifecycleLines(w: Workspace, now: Date): string[] {
  const l = w.lifecycle;
  const out: string[] = [];
  const own = l.autoOff ? ` (own auto-off ${l.autoOff}${l.autoOffNote ? `: ${l.autoOffNote}` : ''})` : '';
  if (l.autoOffAt)
    out.push(`Auto-off:   ${l.autoOffAt} (${autoOffCell(w, now)}, after ${l.autoOffInForce} idle)${own}`);
  else if (w.state === 'running') out.push(`Auto-off:   never${own}`);
  if (l.autoOffWarning) out.push(`Warning:    ${l.autoOffWarning}`);
  if (l.lastActivityAt) out.push(`Activity:   ${formatAge(l.lastActivityAt, now)}`);
  out.push(`Auto-start: ${l.autostart ? 'on (hearth autostart show)' : 'off'}`);
  return out;
}

function diskLine(w: Workspace): string {
  const used =
    w.disk.usedBytes === null
      ? `usage unknown (${w.disk.usedUnknownReason ?? 'not measured'}) of `
      : `${formatBytes(w.disk.usedBytes)} used of `;
  const enforced = w.disk.enforced ? '' : ' (not enforced)';
  return `${used}${formatBytes(w.disk.requested)}${enforced}${w.disk.note ? ` — ${w.disk.note}` : ''}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** What `hearth auto-off` answers: the value asked for, the one in force and when it stops. */
export function autoOffAnswer(ref: string, l: WorkspaceLifecycle): string {
  const own = l.autoOff === null ? 'own auto-off cleared' : `own auto-off ${l.autoOff}`;
  const note = l.autoOffNote ? `: ${l.autoOffNote}` : '';
  const inForce =
    l.autoOffInForce === 'never'
      ? 'it is never stopped for inactivity'
      : `it stops after ${l.autoOffInForce} idle`;
  const at = l.autoOffAt ? `, at ${l.autoOffAt} unless used` : '';
  return `${ref}: ${own}${note}; ${inForce}${at}.`;
}

/** `hearth autostart show`'s line about which workspaces the schedule rebuilds. */
export function autostartOptIns(workspaces: readonly Workspace[], scheduled = true): string {
  const names = workspaces.filter((w) => w.lifecycle.autostart).map((w) => w.name);
  if (names.length === 0) return 'Opted in: none (hearth autostart on NAME opts a workspace in)';
  return scheduled
    ? `Opted in: ${names.join(', ')} (stopped ones are rebuilt at the scheduled time)`
    : `Opted in: ${names.join(', ')}, but with no schedule nothing starts (hearth autostart set 08:30 sets one)`;
}

/** A moment as a person in `timeZone` reads it: `Mon 2026-12-07 08:30 Europe/Berlin`; the ISO time if the zone is unknown. */
export function zonedTime(iso: string, timeZone: string): string {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(iso))
        .map((p) => [p.type, p.value]),
    );
    return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
  } catch {
    return iso;
  }
}
