/**
 * What route groups receive: the services, nothing else (and never a global).
 */

import type { SshGateway } from '../access/ssh-gateway.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ActivitySink } from '../services/activity.js';
import type { WorkspaceEvents } from '../services/events.js';
import type { IdentityService } from '../services/identity.js';
import type { ImageService } from '../services/images.js';
import type { WorkspaceService } from '../services/workspaces.js';

export interface Services {
  readonly identity: IdentityService;
  readonly images: ImageService;
  readonly workspaces: WorkspaceService;
  readonly events: WorkspaceEvents;
  /** Only exec and the terminal use the runtime directly, to attach streams. */
  readonly runtime: Runtime;
  readonly version: string;
  /** Where open sessions (terminal, SSH) report, so auto-off sees them. */
  readonly activity: ActivitySink;
  readonly ssh: SshGateway;
}

/** `paths.*` encode their arguments; a route pattern needs the raw `:param` back. */
export const pattern = (path: string): string => decodeURIComponent(path);
