/**
 * The `secrets` stage, and what every workspace container needs for it: a tmpfs at `/run/hearth`,
 * the server's unix socket directory, and the `hearth` CLI (this installation, read-only, with the
 * server's own Node binary) on PATH.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  IN_WORKSPACE_URL,
  injectionPayload,
  RUN_DIR,
  redactions,
  SERVER_SOCKET_DIR,
  WORKSPACE_ENV,
} from '../core/secrets.js';
import type { SecretsService } from '../identity/secrets.js';
import type { Mount } from '../runtime/runtime.js';
import type { BuildContext, BuildStage } from './build-stage.js';

/** Where this installation (with `bin/hearth`) and Node appear inside workspaces. */
const APP_MOUNT = '/opt/hearth/app';
/** The parts of the installation the CLI needs; never its root, which might hold the data directory. */
const APP_PARTS = ['bin', 'packages', 'node_modules'] as const;
const NODE_MOUNT = '/opt/hearth/node/bin/node';
/**
 * The launcher (bin/hearth-in-workspace) as a file on the standard PATH: login shells get theirs from the
 * image's /etc/profile, which may well drop the PATH the container was created with.
 */
const LAUNCHER = { source: join('bin', 'hearth-in-workspace'), target: '/usr/local/bin/hearth' } as const;
const RUN_DIR_BYTES = 16 * 2 ** 20;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface WorkspaceAccessSettings {
  /** Host directory holding the server's unix socket. */
  readonly socketDir: string;
  /** Root of this Hearth installation (has `bin/hearth` and the built packages). */
  readonly appRoot: string;
  /** The Node binary running the server. */
  readonly nodeBinary: string;
  /** The data directory: it must never be mounted into a workspace. */
  readonly dataDir: string;
}

const inside = (path: string, dir: string): boolean => {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
};

/** Environment and mounts for each workspace container (paths only, never a secret). */
export function workspaceAccess(settings: WorkspaceAccessSettings) {
  const parts = APP_PARTS.map((p) => join(settings.appRoot, p));
  // A data directory inside what would be mounted would hand every workspace the database and key.
  const cli =
    existsSync(join(settings.appRoot, 'bin', 'hearth')) && !parts.some((p) => inside(settings.dataDir, p));
  return async (ctx: BuildContext): Promise<{ env: string[]; mounts: Mount[] }> => {
    const imagePath =
      ctx.resolved!.env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) || DEFAULT_PATH;
    const mounts: Mount[] = [
      { type: 'tmpfs', source: '', target: RUN_DIR, tmpfsMode: 0o1777, tmpfsSizeBytes: RUN_DIR_BYTES },
      { type: 'bind', source: settings.socketDir, target: SERVER_SOCKET_DIR, readOnly: true },
    ];
    if (cli) {
      for (const part of APP_PARTS)
        mounts.push({
          type: 'bind',
          source: join(settings.appRoot, part),
          target: `${APP_MOUNT}/${part}`,
          readOnly: true,
        });
      mounts.push({ type: 'bind', source: settings.nodeBinary, target: NODE_MOUNT, readOnly: true });
      mounts.push({
        type: 'bind',
        source: join(settings.appRoot, LAUNCHER.source),
        target: LAUNCHER.target,
        readOnly: true,
      });
    }
    const path = cli ? `${NODE_MOUNT.replace(/\/node$/, '')}:${APP_MOUNT}/bin:${imagePath}` : imagePath;
    return { env: [`PATH=${path}`, ...WORKSPACE_ENV], mounts };
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
      ctx.log('issued a new Hearth CLI token for this workspace; the previous one is revoked');
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
