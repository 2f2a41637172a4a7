/**
 * What start-up checks before it wires anything: the data directory is writable, the engine
 * answers and accepts its driver's settings, the database opens, the secret key loads. Each failure is
 * a {@link StartupError} that says what to fix.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { loadSecretKey, SecretBox } from '../identity/secret-box.js';
import type { Logger } from '../ports/logger.js';
import { type Runtime, RuntimeError } from '../runtime/runtime.js';
import { type Database, describeDatabase, openDatabase } from '../store/database.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

export function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StartupError(
      `the data directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code}): fix its permissions or choose another with --data-dir`,
    );
  }
}

export async function checkEngine(runtime: Runtime): Promise<void> {
  try {
    await runtime.ping();
  } catch (error) {
    throw new StartupError(
      `${(error as Error).message}. Start the engine (scripts/setup-host.sh does) or point --docker-host / DOCKER_HOST at one.`,
    );
  }
}

/** Lets the driver settle its own settings (the workspace network); returns what it chose, for the log. */
export function prepareDriver(runtime: Runtime): Promise<Readonly<Record<string, string>>> {
  return runtime.prepare().catch((error: unknown) => {
    if (error instanceof RuntimeError && error.code === 'invalid_settings')
      throw new StartupError(error.message);
    throw error;
  });
}

/** SQLite in the data directory, or PostgreSQL with --database-url; migrated to this version. */
export function openStore(config: Config, logger: Logger): Promise<Database> {
  return openDatabase(config, (error) =>
    logger.warn({ err: error }, 'a PostgreSQL connection was lost while idle'),
  ).catch((error: Error) => {
    const hint = config.postgres
      ? '; check that PostgreSQL runs there and that --database-url (HEARTH_DATABASE_URL) names a database its user may change'
      : '';
    throw new StartupError(`cannot open the database ${describeDatabase(config)}: ${error.message}${hint}`);
  });
}

export function openSecretBox(config: Config): SecretBox {
  try {
    return new SecretBox(
      loadSecretKey({ file: config.secretKeyFile, ...(config.secretKey ? { key: config.secretKey } : {}) }),
    );
  } catch (error) {
    throw new StartupError(`cannot load the secret key ${config.secretKeyFile}: ${(error as Error).message}`);
  }
}
