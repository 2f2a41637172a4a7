/**
 * The contract of one build stage. A build runs its stages in order; the hook stages
 * (secrets, configure, personalize) plug in after `container` through the same contract.
 */
import type { StageName } from '@hearth/sdk';
import type { ResolvedImage } from '../images/image-service.js';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import type { BuildRow, ImageRow } from '../store/schema.js';

export interface BuildContext {
  readonly workspace: WorkspaceRecord;
  readonly build: BuildRow;
  readonly image: ImageRow;
  /** The runtime of the workspace's engine: every stage acts there. */
  readonly runtime: Runtime;
  /** Writes one line of this stage's log. */
  log(text: string): void;
  /** Set by `pull`. */
  resolved?: ResolvedImage;
  /** Set by `container`. */
  containerId?: string;
  /** Set by `secrets`: strings hook output must never show in the build log. */
  redactions?: readonly string[];
  /**
   * Set by `secrets`, taken by the first hook exec (configure's): the secret files, written by that
   * same exec from its stdin before its command runs (see `withSecretsWritten`).
   */
  pendingSecrets?: string | undefined;
}

export interface BuildStage {
  readonly name: StageName;
  /**
   * When false, a failure of this stage is a warning: the build still succeeds
   * (personalization must never lock users out of their workspace), unless it throws
   * `ContainerLost`: a build whose container is gone failed.
   */
  readonly critical: boolean;
  run(ctx: BuildContext): Promise<void>;
}

/** Where the workspace user's home is mounted. */
export const homeOf = (username: string): string => `/home/${username}`;
