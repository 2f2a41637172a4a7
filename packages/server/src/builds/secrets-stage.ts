/**
 * The `secrets` stage, and what every workspace container needs for it: secret files at `/run/hearth`,
 * server access for the in-workspace CLI (the socket directory at `/run/hearth/server`), and the
 * `hearth` CLI on PATH. How they get there is the runtime driver's business.
 */
import {
  IN_WORKSPACE_URL,
  injectionPayload,
  RUN_DIR,
  redactions,
  SERVER_SOCKET_DIR,
  WORKSPACE_ENV,
} from '../core/secrets.js';
import type { SecretsService } from '../identity/secrets.js';
import { DEFAULT_PATH } from '../runtime/runtime.js';
import type { BuildContext, BuildStage } from './build-stage.js';
import type { WorkspaceNeeds } from './container-stage.js';

const RUN_DIR_BYTES = 16 * 2 ** 20;

/** What each workspace container needs, and its environment (paths only, never a secret). */
export function workspaceNeeds(ctx: BuildContext): WorkspaceNeeds {
  const imagePath =
    ctx.resolved!.env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) || DEFAULT_PATH;
  return {
    env: [`PATH=${imagePath}`, ...WORKSPACE_ENV],
    secretFiles: { path: RUN_DIR, sizeBytes: RUN_DIR_BYTES },
    serverAccess: { socketDir: SERVER_SOCKET_DIR },
    tools: ['hearth-cli'],
  };
}

/**
 * Issues the workspace token and gathers the user's key and secrets. They are written by the next
 * exec of the build, configure's, from its stdin: a separate exec cost every rebuild its own
 * round of engine calls and a process start.
 */
export function secretsStage(deps: {
  secrets: Pick<SecretsService, 'issueWorkspaceToken' | 'forBuild'>;
}): BuildStage {
  const { secrets } = deps;
  return {
    name: 'secrets',
    critical: true,
    async run(ctx) {
      const owner = { id: ctx.workspace.owner_id, username: ctx.workspace.owner };
      const token = await secrets.issueWorkspaceToken(ctx.workspace);
      ctx.log("issued this build's Hearth CLI token for the workspace (any earlier build's is revoked)");
      const injected = await secrets.forBuild(owner);
      ctx.redactions = redactions([token, injected.gitPrivateKey, ...injected.secrets.map((s) => s.value)]);
      ctx.pendingSecrets = injectionPayload({
        cliSession: JSON.stringify({ url: IN_WORKSPACE_URL, token, username: owner.username }),
        gitPrivateKey: injected.gitPrivateKey,
        secrets: injected.secrets,
      });
      const names = injected.secrets.map((s) => `${s.name}${s.file ? ' (file)' : ''}`);
      ctx.log(
        `the CLI session (HEARTH_URL ${IN_WORKSPACE_URL}), the git SSH key and ${names.length} secret(s)${names.length ? `: ${names.join(', ')}` : ''} go to ${RUN_DIR}/user (tmpfs, readable by ${ctx.resolved!.username} only), written by configure's exec before it runs`,
      );
    },
  };
}
