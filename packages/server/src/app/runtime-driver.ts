/**
 * The engine driver's settings, from the config: where the engine is, the workspace network, and the
 * host paths behind workspaces' server access and tools (the server's socket directory, this
 * installation and the Node binary running it). Only the driver turns them into mounts.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DockerRuntimeOptions } from '../runtime/docker/docker-runtime.js';
import type { Config } from './config.js';

/** This installation's root (bin/hearth, packages/*): the driver gives workspaces its CLI. */
const APP_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The directory of the server's unix socket: what workspaces get as server access. */
export const serverSocketDir = (config: Pick<Config, 'dataDir'>): string => join(config.dataDir, 'run');

export function driverOptions(config: Config): DockerRuntimeOptions {
  return {
    host: config.dockerHost,
    workspaceNetwork: config.workspaceNetwork,
    hostAccess: {
      socketDir: serverSocketDir(config),
      appRoot: APP_ROOT,
      nodeBinary: process.execPath,
      dataDir: config.dataDir,
    },
  };
}
