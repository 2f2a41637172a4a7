import { type Static, Type } from '@sinclair/typebox';
import { ShareLevel } from './apps.js';
import { Timestamp } from './common.js';

/** An org's lifecycle policy. */
export const OrgPolicy = Type.Object({
  org: Type.String(),
  autoOff: Type.String({
    description: 'Idle time before a running workspace is stopped, e.g. `2h`; `0` = never.',
  }),
  autoOffMs: Type.Integer(),
  userOverride: Type.Boolean({ description: 'Owners may choose a shorter auto-off for their workspaces.' }),
  autostartDays: Type.Array(Type.String(), {
    description: 'Weekdays (mon…sun) on which auto-start may fire.',
  }),
  skipUnusedDays: Type.Integer({
    description: 'Auto-start skips workspaces unused for this many days (0 = never skip).',
  }),
  maxShareLevel: ShareLevel,
});
export type OrgPolicy = Static<typeof OrgPolicy>;

export const UpdateOrgPolicyRequest = Type.Object({
  autoOff: Type.Optional(Type.String({ description: '`2h`, `90m`, `0` for never.' })),
  userOverride: Type.Optional(Type.Boolean()),
  autostartDays: Type.Optional(Type.String({ description: '`mon-fri`, `mon,wed,fri` or `every`.' })),
  skipUnusedDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  maxShareLevel: Type.Optional(ShareLevel),
});
export type UpdateOrgPolicyRequest = Static<typeof UpdateOrgPolicyRequest>;

/** A user's auto-start schedule. */
export const AutostartSchedule = Type.Object({
  time: Type.String({ description: '`HH:MM`, 24-hour, in `timezone`.' }),
  timezone: Type.String({ description: 'IANA time zone, e.g. `Europe/Berlin`.' }),
  days: Type.Array(Type.String()),
  nextFireAt: Timestamp,
});
export type AutostartSchedule = Static<typeof AutostartSchedule>;

export const PutAutostartRequest = Type.Object({
  time: Type.String(),
  timezone: Type.String(),
  days: Type.Optional(Type.String({ description: '`mon-fri`, `mon,wed,fri`; default every day.' })),
});
export type PutAutostartRequest = Static<typeof PutAutostartRequest>;

/** A workspace's lifecycle settings and deadlines, part of every workspace view. */
export const WorkspaceLifecycle = Type.Object({
  lastActivityAt: Type.Union([Timestamp, Type.Null()]),
  autoOffAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When auto-off stops it if it stays idle.',
  }),
  autoOffWarning: Type.Union([Type.String(), Type.Null()], {
    description: 'Set once the auto-off is near (default 15 minutes ahead), for clients to show.',
  }),
  autoOff: Type.Union([Type.String(), Type.Null()], {
    description:
      'The owner’s own auto-off, if set (`30m`, `never`); it applies only when shorter than the org’s.',
  }),
  autoOffInForce: Type.String({
    description: 'The idle time after which it is stopped, as applied: `2h`, or `never`.',
  }),
  autoOffNote: Type.Union([Type.String(), Type.Null()], {
    description:
      'Why the owner’s own auto-off is not the one in force (longer than the org allows, or not allowed).',
  }),
  autostart: Type.Boolean({ description: 'Whether the owner’s auto-start schedule applies.' }),
});
export type WorkspaceLifecycle = Static<typeof WorkspaceLifecycle>;

export const UpdateWorkspaceLifecycleRequest = Type.Object({
  autostart: Type.Optional(Type.Boolean()),
  autoOff: Type.Optional(
    // Null first: the validator coerces types, and would turn null into "" for a string branch.
    Type.Union([Type.Null(), Type.String()], {
      description:
        'The owner’s own auto-off (`30m`; `never`, `off` or `0` for never, which leaves the org’s in force), or null to clear it.',
    }),
  ),
});
export type UpdateWorkspaceLifecycleRequest = Static<typeof UpdateWorkspaceLifecycleRequest>;

/** The lifecycle executor's counters since the server started. */
export const ExecutorStats = Type.Object({
  intervalMs: Type.Integer(),
  ticks: Type.Integer(),
  errors: Type.Integer(),
  actions: Type.Record(Type.String(), Type.Integer()),
  lastTickAt: Type.Union([Timestamp, Type.Null()]),
  lastTickMs: Type.Number(),
  maxTickMs: Type.Number(),
  totalTickMs: Type.Number(),
  lastCandidates: Type.Integer(),
});
export type ExecutorStats = Static<typeof ExecutorStats>;

/** `hearth admin rebuild`: which workspaces of the org to rebuild, and how many at once. */
export const StartCampaignRequest = Type.Object({
  image: Type.Optional(
    Type.String({ description: 'Only workspaces of this catalogue image (`repository:tag`).' }),
  ),
  outdatedOnly: Type.Optional(Type.Boolean({ description: 'Only workspaces built from an older digest.' })),
  includeStopped: Type.Optional(
    Type.Boolean({ description: 'Rebuild stopped (and failed) workspaces too.' }),
  ),
  concurrency: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 32, description: 'Rebuilds at once; default 2.' }),
  ),
});
export type StartCampaignRequest = Static<typeof StartCampaignRequest>;

export const CampaignItem = Type.Object({
  workspace: Type.String({ description: '`owner/name`' }),
  status: Type.String({ description: 'pending | building | succeeded | failed' }),
  buildNumber: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});
export type CampaignItem = Static<typeof CampaignItem>;

export const Campaign = Type.Object({
  id: Type.String(),
  org: Type.String(),
  initiator: Type.String(),
  filter: StartCampaignRequest,
  concurrency: Type.Integer(),
  status: Type.String({ description: 'running | finished | interrupted (the server restarted)' }),
  counts: Type.Record(Type.String(), Type.Integer()),
  items: Type.Array(CampaignItem),
  createdAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Campaign = Static<typeof Campaign>;
