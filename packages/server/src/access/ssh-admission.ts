import type { SessionTarget } from './session-target.js';
import type { SshGrant } from './ssh-grant.js';

/** Who an SSH connection acts for, and the workspace it enters or why it may not. */
export type SshAdmission =
  | { readonly grant: SshGrant; readonly target: SessionTarget }
  | { readonly grant: SshGrant; readonly refusal: string };
