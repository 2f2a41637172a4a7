/**
 * What route groups receive: the services, nothing else (and never a global).
 */

import type { Runtime } from '../runtime/runtime.js';
import type { DotfilesService } from '../services/dotfiles.js';
import type { WorkspaceEvents } from '../services/events.js';
import type { IdentityService } from '../services/identity.js';
import type { ImageService } from '../services/images.js';
import type { SecretsService } from '../services/secrets.js';
import type { WorkspaceService } from '../services/workspaces.js';

export interface Services {
  readonly identity: IdentityService;
  readonly images: ImageService;
  readonly workspaces: WorkspaceService;
  readonly dotfiles: DotfilesService;
  readonly secrets: SecretsService;
  readonly events: WorkspaceEvents;
  /** Only exec uses the runtime directly, to attach streams. */
  readonly runtime: Runtime;
  readonly version: string;
}

/** `paths.*` encode their arguments; a route pattern needs the raw `:param` back. */
export const pattern = (path: string): string => decodeURIComponent(path);
