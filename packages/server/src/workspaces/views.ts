/**
 * Maps rows to the API's shapes.
 */
import type { Build, BuildReason, BuildStatus, Stage, Workspace, WorkspaceState } from '@hearth/sdk';
import { homeOf } from '../builds/build-stage.js';
import { autoOffWords, effectiveAutoOffMs, ownAutoOffNote } from '../core/lifecycle.js';
import type { BuildViewRow } from '../store/repositories/builds.repository.js';
import type { WorkspaceViewRecord } from '../store/repositories/workspaces.repository.js';
import type { DiskUsed } from './disk-usage.js';

// ASCII only, as every constant text of a view: one character beyond Latin-1 makes the whole JSON
// answer a two-byte string, which took five times as long to measure and encode on an org's page of
// 100 workspaces (177 KB).
export const DISK_NOT_ENFORCED =
  "the local volume driver cannot limit a volume's size: the disk request is recorded and usage reported, not enforced";

export function buildView(row: BuildViewRow, queuePosition: number | null): Build {
  const started = row.started_at ? Date.parse(row.started_at) : null;
  const finished = row.finished_at ? Date.parse(row.finished_at) : null;
  return {
    number: row.number,
    status: row.status as BuildStatus,
    reason: row.reason as BuildReason,
    initiator: row.initiator,
    imageRef: row.image_ref,
    imageDigest: row.image_digest,
    resources: {
      cpu: row.cpu_millis / 1000,
      memory: Number(row.memory_bytes),
      disk: Number(row.disk_bytes),
      gpus: row.gpus,
    },
    stages: (JSON.parse(row.stages) as Stage[]).map(stageView),
    queuePosition: row.status === 'queued' ? queuePosition : null,
    replica: row.claimed_by,
    error: row.error,
    warnings: JSON.parse(row.warnings) as string[],
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: started !== null && finished !== null ? finished - started : null,
  };
}

/**
 * A stored stage with the schema's fields only, in its order: a list answers its views as they are
 * (http/view-serialization.ts), and a row written by another version of the server may differ.
 */
const stageView = ({ name, status, durationMs, error }: Stage): Stage =>
  error === undefined ? { name, status, durationMs } : { name, status, durationMs, error };

export function workspaceView(
  ws: WorkspaceViewRecord,
  lastBuild: Build | null,
  diskUsed: DiskUsed,
): Workspace {
  return {
    id: ws.id,
    name: ws.name,
    owner: ws.owner,
    org: ws.org,
    state: ws.state as WorkspaceState,
    stateReason: {
      code: ws.state_reason,
      message: ws.state_message,
      actor: ws.state_actor,
      at: ws.state_changed_at,
    },
    image: ws.image_ref,
    imageDigest: ws.image_digest,
    outdated:
      ws.image_digest !== null && ws.catalogue_digest !== null && ws.image_digest !== ws.catalogue_digest,
    imageInCatalogue: ws.catalogue_image_id !== null,
    username: ws.username,
    home: ws.username ? homeOf(ws.username) : null,
    resources: {
      cpu: ws.cpu_millis / 1000,
      memory: Number(ws.memory_bytes),
      disk: Number(ws.disk_bytes),
      gpus: ws.gpus,
    },
    engine: ws.engine ?? ws.engine_id,
    disk: {
      requested: Number(ws.disk_bytes),
      usedBytes: diskUsed.bytes,
      usedMeasuredAt: diskUsed.measuredAt,
      usedUnknownReason: diskUsed.unknownReason,
      enforced: false,
      note: DISK_NOT_ENFORCED,
    },
    lastBuild,
    lifecycle: lifecycleView(ws),
    createdAt: ws.created_at,
    updatedAt: ws.updated_at,
  };
}

function lifecycleView(ws: WorkspaceViewRecord): Workspace['lifecycle'] {
  const running = ws.state === 'running';
  const autoOffAt = running ? ws.auto_off_at : null;
  const warned = autoOffAt !== null && ws.auto_off_warned_for === autoOffAt;
  const policy = {
    autoOffMs: Number(ws.org_auto_off_ms),
    userOverride: ws.org_auto_off_user_override === 1,
    autostartDays: [],
    skipUnusedDays: 0,
  };
  return {
    lastActivityAt: ws.last_activity_at,
    autoOffAt,
    autoOffWarning: warned
      ? `workspace ${ws.name} will be stopped for inactivity at ${autoOffAt}; use it or run "hearth keepalive ${ws.name}" to keep it`
      : null,
    autoOff: ws.auto_off_override_ms === null ? null : autoOffWords(ws.auto_off_override_ms),
    autoOffInForce: autoOffWords(effectiveAutoOffMs(policy, ws.auto_off_override_ms)),
    autoOffNote: ownAutoOffNote(policy, ws.auto_off_override_ms, ws.org),
    autostart: ws.autostart === 1,
  };
}
