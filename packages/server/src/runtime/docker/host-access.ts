/**
 * How the Docker driver meets a spec's server access and tools: read-only bind mounts of host paths
 * (the server's socket directory; this installation's CLI with the Node running the server), and the
 * CLI's directories in front of the container's PATH.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type Docker from 'dockerode';
import { type ContainerSpec, DEFAULT_PATH, RuntimeError, TOOL_NODE } from '../runtime.js';

/** The host paths behind server access and tools, given at driver construction. */
export interface HostAccessSettings {
  /** Host directory holding the server's unix socket. */
  readonly socketDir: string;
  /** Root of this Hearth installation (has `bin/hearth` and the built packages). */
  readonly appRoot: string;
  /** The Node binary running the server. */
  readonly nodeBinary: string;
  /** The data directory: it must never be mounted into a workspace. */
  readonly dataDir: string;
}

/** Where this installation (with `bin/hearth`) and Node appear inside workspaces. */
const APP_MOUNT = '/opt/hearth/app';
/** The parts of the installation the CLI needs; never its root, which might hold the data directory. */
const APP_PARTS = ['bin', 'packages', 'node_modules'] as const;
const NODE_MOUNT = TOOL_NODE;
/**
 * The launcher (bin/hearth-in-workspace) as a file on the standard PATH: login shells get theirs from the
 * image's /etc/profile, which may well drop the PATH the container was created with.
 */
const LAUNCHER = { source: join('bin', 'hearth-in-workspace'), target: '/usr/local/bin/hearth' } as const;
/**
 * The same launcher in a directory of its own, put in front of the container's PATH with Node's. Not
 * the installation's bin/: its `hearth` runs whichever `node` comes first on PATH (an image's own may
 * be another version); the launcher names Hearth's node.
 */
const LAUNCHER_DIR = '/opt/hearth/bin';
const CLI_PATH = `${NODE_MOUNT.replace(/\/node$/, '')}:${LAUNCHER_DIR}`;

/** What the driver can give workspaces from the host, decided once at construction. */
export interface HostAccess {
  readonly socketDir: string;
  /** The CLI's mounts; absent when this installation has no usable CLI. */
  readonly cli: readonly Docker.MountSettings[] | undefined;
}

const inside = (path: string, dir: string): boolean => {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
};

const readOnlyBind = (source: string, target: string): Docker.MountSettings => ({
  Type: 'bind',
  Source: source,
  Target: target,
  ReadOnly: true,
});

export function hostAccess(settings: HostAccessSettings): HostAccess {
  const parts = APP_PARTS.map((p) => join(settings.appRoot, p));
  // A data directory inside what would be mounted would hand every workspace the database and key.
  const usable =
    existsSync(join(settings.appRoot, 'bin', 'hearth')) && !parts.some((p) => inside(settings.dataDir, p));
  const cli = usable
    ? [
        ...APP_PARTS.map((part) => readOnlyBind(join(settings.appRoot, part), `${APP_MOUNT}/${part}`)),
        readOnlyBind(settings.nodeBinary, NODE_MOUNT),
        readOnlyBind(join(settings.appRoot, LAUNCHER.source), LAUNCHER.target),
        readOnlyBind(join(settings.appRoot, LAUNCHER.source), `${LAUNCHER_DIR}/hearth`),
      ]
    : undefined;
  return { socketDir: settings.socketDir, cli };
}

/**
 * The mounts behind `spec`'s server access and tools, and its environment with the tools on PATH.
 * Server access without host settings is refused: the workspace's CLI would have no server.
 */
export function accessOf(
  spec: ContainerSpec,
  access: HostAccess | undefined,
): { mounts: Docker.MountSettings[]; env: string[] } {
  const mounts: Docker.MountSettings[] = [];
  if (spec.serverAccess) {
    if (!access)
      throw new RuntimeError(
        'invalid_settings',
        `create container ${spec.name}: server access was asked for, but the driver has no server socket directory`,
      );
    mounts.push(readOnlyBind(access.socketDir, spec.serverAccess.socketDir));
  }
  const cli = spec.tools?.includes('hearth-cli') ? access?.cli : undefined;
  if (!cli) return { mounts, env: [...spec.env] };
  mounts.push(...cli);
  const env = spec.env.some((e) => e.startsWith('PATH='))
    ? [...spec.env]
    : [...spec.env, `PATH=${DEFAULT_PATH}`];
  return { mounts, env: env.map((e) => (e.startsWith('PATH=') ? `PATH=${CLI_PATH}:${e.slice(5)}` : e)) };
}
