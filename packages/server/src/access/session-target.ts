import type { ExecTarget } from '../workspaces/workspace-access.js';

/** The workspace a session (exec, terminal, SSH) runs in, with its name, as messages to the user name it. */
export interface SessionTarget extends ExecTarget {
  readonly name: string;
}
