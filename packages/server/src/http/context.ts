/**
 * The services the HTTP app is built from. Each route group names the few it uses
 * (`Pick<Services, …>`) and receives only those ({@link pick}), never the whole bag or a global.
 */

import type { ExecutorStats, ReplicasOverview } from '@hearth/sdk';
import type { SessionEntry } from '../access/session-entry.js';
import type { SshGateway } from '../access/ssh-gateway.js';
import type { AppService } from '../apps/apps-service.js';
import type { EngineService } from '../engines/engine-service.js';
import type { DotfilesService } from '../identity/dotfiles.js';
import type { MemberService } from '../identity/member-service.js';
import type { OrgService } from '../identity/org-service.js';
import type { Revocations } from '../identity/revocations.js';
import type { SecretsService } from '../identity/secrets.js';
import type { SessionService } from '../identity/session-service.js';
import type { SshKeyService } from '../identity/ssh-keys.js';
import type { TokenService } from '../identity/token-service.js';
import type { UserService } from '../identity/user-service.js';
import type { ImageChecker } from '../images/image-check.js';
import type { ImageService } from '../images/image-service.js';
import type { CampaignService } from '../lifecycle/campaigns.js';
import type { LifecycleService } from '../lifecycle/lifecycle-service.js';
import type { Clock } from '../ports/clock.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';

export interface Services {
  readonly sessions: SessionService;
  readonly users: UserService;
  readonly orgs: OrgService;
  readonly members: MemberService;
  readonly tokens: TokenService;
  readonly images: ImageService;
  readonly workspaces: WorkspaceService;
  /** The pool of container engines (site admin). */
  readonly engines: EngineService;
  readonly dotfiles: DotfilesService;
  readonly secrets: SecretsService;
  readonly events: WorkspaceEvents;
  /** Exec, the terminal and the SSH tunnel enter workspaces (and count as activity) through it. */
  readonly sessionEntry: SessionEntry;
  readonly version: string;
  readonly lifecycle: LifecycleService;
  readonly executorStats: () => ExecutorStats;
  /** The live server replicas and the build queue's depth. */
  readonly replicas: () => Promise<ReplicasOverview>;
  readonly imageChecker: ImageChecker;
  readonly campaigns: CampaignService;
  readonly ssh: SshGateway;
  readonly sshKeys: SshKeyService;
  readonly apps: AppService;
  /** Streams subscribe here to end when their credential is revoked; expiry is measured by `clock`. */
  readonly revocations: Revocations;
  readonly clock: Clock;
}

/** `paths.*` encode their arguments; a route pattern needs the raw `:param` back. */
export const pattern = (path: string): string => decodeURIComponent(path);

/** The named services only: what one route group receives. */
export function pick<K extends keyof Services>(services: Services, ...keys: K[]): Pick<Services, K> {
  const picked = {} as Pick<Services, K>;
  for (const key of keys) picked[key] = services[key];
  return picked;
}
