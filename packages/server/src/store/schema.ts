/**
 * Row types for every table. Timestamps are ISO-8601 UTC text and booleans are 0/1 integers, so the
 * same queries run on SQLite and PostgreSQL; sizes and milliseconds are `bigint` columns, which
 * dialect.ts hands back as numbers on PostgreSQL too.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UserTable {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  site_admin: number;
  suspended_at: string | null;
  created_at: string;
}

export interface OrgTable {
  id: string;
  name: string;
  created_at: string;
  max_cpu_millis: number;
  max_memory_bytes: number;
  max_disk_bytes: number;
  max_gpus: number;
  member_cpu_quota_millis: number;
  member_memory_quota_bytes: number;
  /** Lifecycle policy: idle time before auto-off (0 = never). */
  auto_off_ms: Generated<number>;
  /** 1 when owners may choose a shorter auto-off for their workspaces. */
  auto_off_user_override: Generated<number>;
  /** Comma-separated weekdays (`mon,…,sun`) on which auto-start may fire. */
  autostart_days: Generated<string>;
  autostart_skip_unused_days: Generated<number>;
  /** Most processes one workspace container may run. */
  pids_limit: Generated<number>;
  /** The highest level a workspace app or port may be shared at: owner, authenticated or public. */
  max_share_level: Generated<string>;
  /** Raised by the database on every update of the row (migrations/0014-row-versions.ts). */
  row_version: Generated<number>;
}

export interface OrgMemberTable {
  org_id: string;
  user_id: string;
  role: 'admin' | 'member';
  added_at: string;
}

export interface TokenTable {
  id: string;
  user_id: string;
  /** `session` from login, `api` named by the user, `workspace` injected into a workspace. */
  kind: 'session' | 'api' | 'workspace';
  name: string;
  token_hash: string;
  workspace_id: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ImageTable {
  id: string;
  org_id: string;
  ref: string;
  description: string;
  username: string;
  uid: number;
  gid: number;
  digest: string;
  default_cpu_millis: number;
  default_memory_bytes: number;
  default_disk_bytes: number;
  default_gpus: number;
  created_at: string;
  /** Time limit of `/hearth/configure`; `null` = the default. */
  configure_timeout_seconds: number | null;
  /** Time limit of the personalize stage; `null` = the default. */
  personalize_timeout_seconds: number | null;
}

export interface WorkspaceTable {
  id: string;
  org_id: string;
  owner_id: string;
  name: string;
  image_ref: string;
  image_digest: string | null;
  username: string | null;
  cpu_millis: number;
  memory_bytes: number;
  disk_bytes: number;
  gpus: number;
  state: string;
  state_reason: string;
  state_message: string;
  state_actor: string;
  state_changed_at: string;
  container_id: string | null;
  volume_name: string;
  /** 1 once the home volume's root has been given to the workspace user. */
  home_ready: number;
  created_at: string;
  updated_at: string;
  /** Last proof of use (sessions, keepalive, finished build); written at most every 30 s. */
  last_activity_at: string | null;
  /** When auto-off stops it if nothing happens; null = never (or not running). */
  auto_off_at: string | null;
  /** The `auto_off_at` a warning was recorded for. */
  auto_off_warned_for: string | null;
  /** The owner's shorter auto-off, used when the org allows it. */
  auto_off_override_ms: number | null;
  /** 1 when the owner's auto-start schedule applies to this workspace. */
  autostart: Generated<number>;
  /** The schedule firing it was last auto-started (or skipped) for. */
  autostart_fired_for: string | null;
  /** JSON array of the apps the image declared at the last build (`AppSpec`); null = none read yet. */
  apps: string | null;
  /** The engine it lives on, for life (its home volume is there); `default` = the server's `--docker-host`. */
  engine_id: Generated<string>;
  /** Raised by the database on every update of the row (migrations/0014-row-versions.ts). */
  row_version: Generated<number>;
}

/** A port or app shared beyond its owner. */
export interface WorkspaceShareTable {
  workspace_id: string;
  /** A port number ("3000") or a declared app's name. */
  target: string;
  level: string;
  updated_at: string;
}

export interface BuildTable {
  id: string;
  workspace_id: string;
  number: number;
  reason: string;
  initiator: string;
  status: string;
  image_ref: string;
  image_digest: string | null;
  cpu_millis: number;
  memory_bytes: number;
  disk_bytes: number;
  gpus: number;
  /** JSON array of stages. */
  stages: string;
  error: string | null;
  /** JSON array of strings. */
  warnings: string;
  /** 1 once the log (in build_logs) was cut at its cap. */
  log_truncated: number;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The server replica that claimed it (PostgreSQL's build queue); null until claimed, and on SQLite. */
  claimed_by: string | null;
  /** When that replica last said it is alive; older than the queue's staleness: the replica is gone. */
  heartbeat_at: string | null;
  /** Raised by the database on every update of the row (migrations/0014-row-versions.ts). */
  row_version: Generated<number>;
}

/**
 * The start of a build's log (JSON lines) as flushes stored it before migration 0015, which left it
 * here: a log is this row, if any, followed by its parts (`build_log_parts`).
 */
export interface BuildLogTable {
  build_id: string;
  log: string;
}

/** A part of a build's log, in `seq` order after its row of `build_logs` (if any): migration 0015. */
export interface BuildLogPartTable {
  build_id: string;
  seq: number;
  text: string;
}

/** A user's auto-start schedule; `next_fire_at` is the firing the executor works towards. */
export interface AutostartScheduleTable {
  user_id: string;
  time: string;
  timezone: string;
  days: string;
  next_fire_at: string;
  updated_at: string;
}

/** An admin rebuild campaign; `filter` is JSON of what selected its workspaces. */
export interface RebuildCampaignTable {
  id: string;
  org_id: string;
  initiator: string;
  filter: string;
  concurrency: number;
  /** running | finished | interrupted */
  status: string;
  created_at: string;
  finished_at: string | null;
}

/** One workspace of a campaign; `workspace` is `owner/name` as it was when selected. */
export interface CampaignItemTable {
  campaign_id: string;
  workspace_id: string;
  workspace: string;
  /** pending | building | succeeded | failed */
  status: string;
  build_number: number | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** A user's dotfiles repository, cloned into every workspace's home by the personalize stage. */
export interface UserDotfilesTable {
  user_id: string;
  url: string;
  branch: string | null;
  updated_at: string;
}

/** A user's secret; `value_sealed` is encrypted with the server's secret key. */
export interface UserSecretTable {
  user_id: string;
  name: string;
  value_sealed: string;
  /** 1: a file in the secrets directory; 0: an environment variable. */
  as_file: number;
  updated_at: string;
}

/** A user's git SSH key pair; the private key is encrypted with the server's secret key. */
export interface UserGitKeyTable {
  user_id: string;
  public_key: string;
  private_key_sealed: string;
  created_at: string;
}

/** A user's SSH public key for the plain SSH listener; `fingerprint` is unique installation-wide. */
export interface SshKeyTable {
  id: string;
  user_id: string;
  name: string;
  /** The key line's type: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`… */
  key_type: string;
  /** The key blob in base64, as in an authorized_keys line. */
  public_key: string;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  fingerprint: string;
  created_at: string;
  last_used_at: string | null;
}

/** A container engine of the pool; capacity 0 = not declared (no limit on that resource). */
export interface EngineTable {
  id: string;
  name: string;
  /** `unix:///…` or `tcp://host:port`; empty for `default`, which is the server's `--docker-host`. */
  docker_host: string;
  /** 1: TLS to a tcp:// engine, checking its certificate against `tls_ca`. */
  tls_verify: Generated<number>;
  tls_ca: string | null;
  tls_cert: string | null;
  tls_key: string | null;
  cpu_millis: number;
  memory_bytes: number;
  gpus: number;
  /** 1: no new workspace is placed there; those on it stay. */
  drained: Generated<number>;
  created_at: string;
}

/** Installation-wide values, e.g. `instance_id`. */
export interface SettingTable {
  key: string;
  value: string;
}

/** A server replica of the installation, as it last said it is alive. */
export interface ReplicaTable {
  /** `<data dir's id>.<run>` (app/replica-id.ts). */
  id: string;
  host: string;
  pid: number;
  /** The URL it serves on; null until it listens. */
  address: string | null;
  started_at: string;
  heartbeat_at: string;
}

/** When a periodic job (reconcile, image check, lifecycle) last ran, and on which replica. */
export interface JobRunTable {
  name: string;
  replica_id: string;
  ran_at: string;
}

/** An open session (SSH, terminal, exec, app connection), held by the replica that serves it. */
export interface SessionLeaseTable {
  id: string;
  workspace_id: string;
  replica_id: string;
  kind: string;
  /** Refreshed by its replica every few seconds; an older one belongs to a replica that is gone. */
  heartbeat_at: string;
}

/** A failed-login window of one budget key (core/rate-limit.ts), shared by replicas. */
export interface LoginWindowTable {
  /** The SHA-256 (hex) of the budget's key. */
  key: string;
  started_at: string;
  failures: number;
  /** `started_at` plus the policy's window: from then on the window holds nothing back. */
  expires_at: string;
}

export interface DB {
  settings: SettingTable;
  users: UserTable;
  orgs: OrgTable;
  org_members: OrgMemberTable;
  tokens: TokenTable;
  images: ImageTable;
  workspaces: WorkspaceTable;
  builds: BuildTable;
  build_logs: BuildLogTable;
  build_log_parts: BuildLogPartTable;
  autostart_schedules: AutostartScheduleTable;
  rebuild_campaigns: RebuildCampaignTable;
  campaign_items: CampaignItemTable;
  user_dotfiles: UserDotfilesTable;
  user_secrets: UserSecretTable;
  user_git_keys: UserGitKeyTable;
  user_ssh_keys: SshKeyTable;
  workspace_shares: WorkspaceShareTable;
  engines: EngineTable;
  replicas: ReplicaTable;
  job_runs: JobRunTable;
  session_leases: SessionLeaseTable;
  login_windows: LoginWindowTable;
}

export type UserRow = Selectable<UserTable>;
export type OrgRow = Selectable<OrgTable>;
export type TokenRow = Selectable<TokenTable>;
export type ImageRow = Selectable<ImageTable>;
export type WorkspaceRow = Selectable<WorkspaceTable>;
export type BuildRow = Selectable<BuildTable>;
export type AutostartScheduleRow = Selectable<AutostartScheduleTable>;
export type RebuildCampaignRow = Selectable<RebuildCampaignTable>;
export type CampaignItemRow = Selectable<CampaignItemTable>;
export type UserDotfilesRow = Selectable<UserDotfilesTable>;
export type UserSecretRow = Selectable<UserSecretTable>;
export type UserGitKeyRow = Selectable<UserGitKeyTable>;
export type SshKeyRow = Selectable<SshKeyTable>;
export type WorkspaceShareRow = Selectable<WorkspaceShareTable>;
export type EngineRow = Selectable<EngineTable>;
export type NewEngine = Insertable<EngineTable>;
export type ReplicaRow = Selectable<ReplicaTable>;
export type NewBuild = Insertable<BuildTable>;
export type WorkspacePatch = Updateable<WorkspaceTable>;
export type BuildPatch = Updateable<BuildTable>;
export type NewOrg = Insertable<OrgTable>;
export type OrgPatch = Updateable<OrgTable>;
export type NewWorkspace = Insertable<WorkspaceTable>;
