import { type Static, Type } from '@sinclair/typebox';
import { Name, ResourceRequestInput, Resources, Timestamp } from './common.js';
import { WorkspaceLifecycle } from './lifecycle.js';

export const WorkspaceState = Type.Union(
  ['pending', 'building', 'running', 'stopping', 'stopped', 'failed', 'deleting'].map((s) => Type.Literal(s)),
);
export type WorkspaceState =
  | 'pending'
  | 'building'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'deleting';

export const BuildStatus = Type.Union(
  ['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => Type.Literal(s)),
);
export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export type StageName =
  | 'pull'
  | 'volume'
  | 'container'
  | 'secrets'
  | 'configure'
  | 'personalize'
  | 'apps'
  | 'ready';
/** `canceled`: a stop or delete cut it short (its build is canceled); `skipped`: it never ran. */
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'warning' | 'canceled';

/** Why a build was started. */
export type BuildReason = 'create' | 'rebuild' | 'start' | 'autostart' | 'admin_rebuild' | 'resume';

export const Stage = Type.Object({
  name: Type.String(),
  status: Type.String({
    description: 'pending | running | succeeded | failed | skipped | warning | canceled',
  }),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Optional(Type.String()),
});
export type Stage = { name: StageName; status: StageStatus; durationMs: number | null; error?: string };

export const Build = Type.Object({
  number: Type.Integer(),
  status: BuildStatus,
  reason: Type.String({ description: 'create | rebuild | start | autostart | admin_rebuild | resume' }),
  initiator: Type.String({ description: 'Username, or `system` for automation.' }),
  imageRef: Type.String(),
  imageDigest: Type.Union([Type.String(), Type.Null()]),
  resources: Resources,
  stages: Type.Array(Stage),
  /** Position in the build queue (1 = next) while queued. */
  queuePosition: Type.Union([Type.Integer(), Type.Null()]),
  replica: Type.Union([Type.String(), Type.Null()], {
    description:
      'The server replica that claimed the build (PostgreSQL; see `GET /admin/replicas`); null on SQLite and before a claim.',
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  warnings: Type.Array(Type.String()),
  queuedAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
});
export type Build = Omit<Static<typeof Build>, 'stages' | 'reason' | 'status'> & {
  stages: Stage[];
  reason: BuildReason;
  status: BuildStatus;
};

/** Why the workspace is in its current state, and who or what put it there. */
export const StateReason = Type.Object({
  code: Type.String({
    description:
      'created | build_queued | build_started | build_succeeded | build_failed | user_stop | admin_stop | auto_off | runtime_lost | engine_unreachable | engine_reachable | server_restart | delete_requested',
  }),
  message: Type.String(),
  actor: Type.String({ description: 'Username, or `system`.' }),
  at: Timestamp,
});
export type StateReason = Static<typeof StateReason>;

export const DiskReport = Type.Object({
  requested: Type.Integer(),
  usedBytes: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'Bytes the home volume uses; measured at most once a minute. Null when unknown: see `usedUnknownReason`.',
  }),
  usedMeasuredAt: Type.Union([Timestamp, Type.Null()], { description: 'When `usedBytes` was measured.' }),
  usedUnknownReason: Type.Union([Type.String(), Type.Null()], {
    description:
      'Why `usedBytes` is null (not measured yet, no home volume yet, the engine’s error); null when known.',
  }),
  enforced: Type.Boolean(),
  note: Type.String(),
});
export type DiskReport = Static<typeof DiskReport>;

export const Workspace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  owner: Type.String(),
  org: Type.String(),
  state: WorkspaceState,
  stateReason: StateReason,
  image: Type.String(),
  imageDigest: Type.Union([Type.String(), Type.Null()]),
  outdated: Type.Boolean({
    description:
      'Its image tag now points at another digest (see `hearth images check`); a rebuild picks it up.',
  }),
  imageInCatalogue: Type.Boolean({
    description:
      'False when its image was removed from the org’s catalogue: it cannot be rebuilt or started until an org admin adds the image back.',
  }),
  username: Type.Union([Type.String(), Type.Null()], { description: 'Workspace user inside the container.' }),
  home: Type.Union([Type.String(), Type.Null()]),
  resources: Resources,
  engine: Type.String({
    description:
      'The container engine it lives on, for life: its home volume is there (`default` = the server’s own).',
  }),
  disk: DiskReport,
  lastBuild: Type.Union([Build, Type.Null()]),
  lifecycle: WorkspaceLifecycle,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Workspace = Omit<Static<typeof Workspace>, 'lastBuild' | 'state'> & {
  state: WorkspaceState;
  lastBuild: Build | null;
};

export const CreateWorkspaceRequest = Type.Composite([
  Type.Object({
    name: Name,
    image: Type.String({ minLength: 1, maxLength: 512, description: 'A catalogue image `repository:tag`.' }),
    org: Type.Optional(Type.String()),
    autostart: Type.Optional(Type.Boolean({ description: 'Rebuild it at the owner’s auto-start time.' })),
    autoOff: Type.Optional(Type.String({ description: 'A shorter auto-off than the org’s, e.g. `30m`.' })),
  }),
  ResourceRequestInput,
]);
export type CreateWorkspaceRequest = Static<typeof CreateWorkspaceRequest>;

export const RebuildRequest = ResourceRequestInput;
export type RebuildRequest = Static<typeof RebuildRequest>;

/** One line of a build log as streamed and stored. */
export const LogLine = Type.Object({
  ts: Timestamp,
  stage: Type.String(),
  text: Type.String(),
});
export type LogLine = Static<typeof LogLine>;
