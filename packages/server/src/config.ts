/**
 * Server configuration: read once at start from flags and HEARTH_* variables (flags win),
 * validated, typed, defaulted. Every bad setting is listed in one message.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from './core/units.js';

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Where the gateway also accepts plain SSH (publickey logins); undefined = not at all. */
  readonly sshListen?: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  /** The SQLite file, used unless {@link postgres} is set. */
  readonly databaseFile: string;
  /** PostgreSQL instead of SQLite, when `--database-url` is given. */
  readonly postgres?: PostgresConfig;
  /** unix:///path or tcp://host:port, as DOCKER_HOST. */
  readonly dockerHost: string;
  readonly buildConcurrency: number;
  readonly stopGraceSeconds: number;
  /** Engine network for workspaces; `auto` picks `bridge` when it exists, else `none`. */
  readonly workspaceNetwork: string;
  readonly reconcileIntervalMs: number;
  readonly logLevel: string;
  /** How often the lifecycle executor ticks (auto-off, auto-start); 0 = never. */
  readonly lifecycleIntervalMs: number;
  /** How long before an auto-off its warning is recorded. */
  readonly autoOffWarningMs: number;
  /** How often catalogue tags are resolved to find outdated workspaces; 0 = only on demand. */
  readonly imageCheckIntervalMs: number;
  /**
   * Where the key that encrypts secrets at rest lives; created (mode 0600) on first start when
   * {@link secretKey} is not given.
   */
  readonly secretKeyFile: string;
  /** The key itself (base64 of 32 bytes), from HEARTH_SECRET_KEY only: never a flag, so never in argv. */
  readonly secretKey?: string;
  /** `host[:port]` under which app and port URLs live; undefined = `localhost:<bound port>`. */
  readonly appsDomain?: string;
  /** The main origin as browsers reach it (`http://…`); undefined = the listen address. */
  readonly accessUrl?: string;
}

export interface PostgresConfig {
  /** `postgres://user:password@host:port/database` (libpq URL parameters such as `sslmode` work too). */
  readonly url: string;
  /** Most connections the server holds open. */
  readonly poolSize: number;
  /** A statement running longer than this is canceled; 0 = no limit. */
  readonly statementTimeoutMs: number;
}

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly help: string;
  /** A conventional variable read when HEARTH_'s own is unset (DOCKER_HOST). */
  readonly alsoEnv?: string;
  readonly fallback: (env: NodeJS.ProcessEnv) => string;
  /** The default as `--help` shows it, when the fallback value itself says nothing. */
  readonly shownDefault?: string;
}

export const SETTINGS = {
  listen: {
    flag: 'listen',
    env: 'HEARTH_LISTEN',
    help: 'address:port to serve the API on',
    fallback: () => '127.0.0.1:7080',
  },
  sshListen: {
    flag: 'ssh-listen',
    env: 'HEARTH_SSH_LISTEN',
    help: 'address:port to also accept plain SSH on: ssh -p PORT WORKSPACE@HOST, with keys from "hearth sshkeys add"',
    fallback: () => '',
    shownDefault: 'off',
  },
  dataDir: {
    flag: 'data-dir',
    env: 'HEARTH_DATA_DIR',
    help: 'where the SQLite database, keys and locks live',
    fallback: (env) => join(env.HOME || homedir(), '.local', 'share', 'hearth'),
  },
  databaseUrl: {
    flag: 'database-url',
    env: 'HEARTH_DATABASE_URL',
    help: 'PostgreSQL to keep the data in, postgres://USER:PASSWORD@HOST:PORT/DATABASE, instead of SQLite in the data dir',
    fallback: () => '',
    shownDefault: 'SQLite in DATA_DIR/hearth.db',
  },
  databasePoolSize: {
    flag: 'database-pool-size',
    env: 'HEARTH_DATABASE_POOL_SIZE',
    help: 'most PostgreSQL connections the server opens',
    fallback: () => '10',
  },
  databaseStatementTimeout: {
    flag: 'database-statement-timeout',
    env: 'HEARTH_DATABASE_STATEMENT_TIMEOUT',
    help: 'PostgreSQL cancels a statement running longer than this (0s = no limit)',
    fallback: () => '30s',
  },
  dockerHost: {
    flag: 'docker-host',
    env: 'HEARTH_DOCKER_HOST',
    help: 'Docker engine endpoint (unix:///var/run/docker.sock, tcp://127.0.0.1:2375); else DOCKER_HOST',
    alsoEnv: 'DOCKER_HOST',
    fallback: () => 'unix:///var/run/docker.sock',
  },
  buildConcurrency: {
    flag: 'build-concurrency',
    env: 'HEARTH_BUILD_CONCURRENCY',
    help: 'builds that may run at once',
    fallback: () => '2',
  },
  stopGrace: {
    flag: 'stop-grace',
    env: 'HEARTH_STOP_GRACE',
    help: 'time between SIGTERM and SIGKILL when a container stops',
    fallback: () => '10s',
  },
  workspaceNetwork: {
    flag: 'workspace-network',
    env: 'HEARTH_WORKSPACE_NETWORK',
    help: 'engine network for workspaces (auto: bridge if present, else none)',
    fallback: () => 'auto',
  },
  reconcileInterval: {
    flag: 'reconcile-interval',
    env: 'HEARTH_RECONCILE_INTERVAL',
    help: 'how often to check containers against the store',
    fallback: () => '30s',
  },
  lifecycleInterval: {
    flag: 'lifecycle-interval',
    env: 'HEARTH_LIFECYCLE_INTERVAL',
    help: 'how often auto-off and auto-start are checked (0s = off)',
    fallback: () => '30s',
  },
  autoOffWarning: {
    flag: 'auto-off-warning',
    env: 'HEARTH_AUTO_OFF_WARNING',
    help: 'how long before an auto-off the warning is shown',
    fallback: () => '15m',
  },
  imageCheckInterval: {
    flag: 'image-check-interval',
    env: 'HEARTH_IMAGE_CHECK_INTERVAL',
    help: 'how often catalogue tags are checked for new images (0s = only "hearth images check")',
    fallback: () => '6h',
  },
  secretKeyFile: {
    flag: 'secret-key-file',
    env: 'HEARTH_SECRET_KEY_FILE',
    help: 'key encrypting secrets at rest, created 0600 on first start (HEARTH_SECRET_KEY, base64 of 32 bytes, overrides it)',
    fallback: () => '',
    shownDefault: 'DATA_DIR/secret.key',
  },
  appsDomain: {
    flag: 'apps-domain',
    env: 'HEARTH_APPS_DOMAIN',
    help: 'domain (with :port if not 80/443) whose subdomains serve workspace apps and ports: PORT--WORKSPACE--OWNER.DOMAIN; needs a wildcard DNS name',
    fallback: () => '',
    shownDefault: 'localhost:PORT, which browsers resolve to this machine',
  },
  accessUrl: {
    flag: 'access-url',
    env: 'HEARTH_ACCESS_URL',
    help: 'the URL browsers reach this server at (app origins send people here to sign in); https makes app URLs https',
    fallback: () => '',
    shownDefault: 'http://LISTEN',
  },
  logLevel: {
    flag: 'log-level',
    env: 'HEARTH_LOG_LEVEL',
    help: 'trace, debug, info, warn or error',
    fallback: () => 'info',
  },
} as const satisfies Record<string, Setting>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] } | { ok: 'help' };

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
  );
  const problems: string[] = [];
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    // Not strict, so an unknown flag is listed with every other problem instead of hiding them.
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: false,
      allowPositionals: true,
    }));
  } catch (error) {
    return { ok: false, problems: [`${(error as Error).message}; see "hearth server --help"`] };
  }
  if (values.help) return { ok: 'help' };
  for (const word of positionals)
    problems.push(`unexpected argument "${word}"; "hearth server" takes only flags`);
  for (const [name, value] of Object.entries(values)) {
    if (name !== 'help' && !(name in options))
      problems.push(`unknown flag --${name}; see "hearth server --help"`);
    else if (name in options && typeof value !== 'string') problems.push(`--${name} needs a value`);
  }
  // An empty variable counts as unset, as shells and container runtimes commonly pass them.
  const fromEnv = (s: Setting) => env[s.env] || (s.alsoEnv ? env[s.alsoEnv] : undefined) || undefined;
  const flag = (s: Setting) => (typeof values[s.flag] === 'string' ? (values[s.flag] as string) : undefined);
  const get = (s: Setting): string => flag(s) ?? fromEnv(s) ?? s.fallback(env);
  const where = (s: Setting) =>
    flag(s) !== undefined
      ? `--${s.flag}`
      : env[s.env]
        ? s.env
        : s.alsoEnv && env[s.alsoEnv]
          ? s.alsoEnv
          : 'default';

  const address = (s: Setting, example: string) => {
    const value = get(s);
    const match = /^(.+):(\d{1,5})$/.exec(value);
    const port = match ? Number(match[2]) : Number.NaN;
    if (!match || port > 65535) {
      problems.push(`${where(s)} "${value}" is not address:port, e.g. ${example}`);
      return undefined;
    }
    // [::1]:7080 is how an IPv6 address is written with a port; the bind wants it bare.
    return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  };
  const listen = address(SETTINGS.listen, '127.0.0.1:7080');
  const sshListen = get(SETTINGS.sshListen) ? address(SETTINGS.sshListen, '0.0.0.0:2222') : undefined;
  if (
    listen &&
    sshListen &&
    listen.port !== 0 &&
    listen.port === sshListen.port &&
    listen.host === sshListen.host
  )
    problems.push(
      `${where(SETTINGS.sshListen)} "${get(SETTINGS.sshListen)}" is the API's own address (${where(SETTINGS.listen)}): give SSH another port`,
    );

  const concurrency = Number(get(SETTINGS.buildConcurrency));
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    problems.push(
      `${where(SETTINGS.buildConcurrency)} "${get(SETTINGS.buildConcurrency)}" must be a whole number from 1 to 64`,
    );
  }
  const duration = (s: Setting): number => {
    const parsed = parseDuration(where(s), get(s));
    if (!parsed.ok) problems.push(parsed.problem);
    return parsed.ok ? parsed.value : 0;
  };
  const stopGraceMs = duration(SETTINGS.stopGrace);
  const reconcileIntervalMs = duration(SETTINGS.reconcileInterval);
  if (reconcileIntervalMs !== 0 && reconcileIntervalMs < 1000)
    problems.push(`${where(SETTINGS.reconcileInterval)} must be at least 1s`);
  const lifecycleIntervalMs = duration(SETTINGS.lifecycleInterval);
  if (lifecycleIntervalMs !== 0 && lifecycleIntervalMs < 1000)
    problems.push(`${where(SETTINGS.lifecycleInterval)} must be at least 1s`);
  const autoOffWarningMs = duration(SETTINGS.autoOffWarning);
  const imageCheckIntervalMs = duration(SETTINGS.imageCheckInterval);
  if (imageCheckIntervalMs !== 0 && imageCheckIntervalMs < 60_000)
    problems.push(`${where(SETTINGS.imageCheckInterval)} must be at least 1m`);

  const dockerHost = get(SETTINGS.dockerHost);
  if (!/^(unix|tcp):\/\//.test(dockerHost))
    problems.push(`${where(SETTINGS.dockerHost)} "${dockerHost}" must start with unix:// or tcp://`);
  const logLevel = get(SETTINGS.logLevel);
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    problems.push(`${where(SETTINGS.logLevel)} "${logLevel}" must be one of trace, debug, info, warn, error`);
  }
  const secretKey = env.HEARTH_SECRET_KEY || undefined;
  if (secretKey !== undefined && Buffer.from(secretKey, 'base64').length !== 32)
    problems.push('HEARTH_SECRET_KEY must be 32 random bytes in base64, e.g. from: openssl rand -base64 32');
  const appsDomain = get(SETTINGS.appsDomain).toLowerCase() || undefined;
  if (appsDomain !== undefined && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(appsDomain))
    problems.push(
      `${where(SETTINGS.appsDomain)} "${appsDomain}" is not a domain, e.g. apps.example.com or localhost:7080`,
    );
  const accessUrl = get(SETTINGS.accessUrl).replace(/\/+$/, '') || undefined;
  if (accessUrl !== undefined && !/^https?:\/\/[^/]+$/.test(accessUrl))
    problems.push(
      `${where(SETTINGS.accessUrl)} "${accessUrl}" must be http:// or https:// and a host, e.g. https://hearth.example.com`,
    );
  const postgres = postgresConfig(get(SETTINGS.databaseUrl), {
    poolSize: [where(SETTINGS.databasePoolSize), get(SETTINGS.databasePoolSize)],
    statementTimeoutMs: duration(SETTINGS.databaseStatementTimeout),
    urlSource: where(SETTINGS.databaseUrl),
    problems,
  });
  if (problems.length > 0) return { ok: false, problems };
  const dataDir = get(SETTINGS.dataDir);
  return {
    ok: true,
    config: {
      host: listen!.host,
      port: listen!.port,
      ...(sshListen ? { sshListen } : {}),
      dataDir,
      databaseFile: join(dataDir, 'hearth.db'),
      ...(postgres ? { postgres } : {}),
      dockerHost,
      buildConcurrency: concurrency,
      stopGraceSeconds: Math.ceil(stopGraceMs / 1000),
      workspaceNetwork: get(SETTINGS.workspaceNetwork),
      reconcileIntervalMs,
      logLevel,
      lifecycleIntervalMs,
      autoOffWarningMs,
      imageCheckIntervalMs,
      secretKeyFile: get(SETTINGS.secretKeyFile) || join(dataDir, 'secret.key'),
      ...(secretKey ? { secretKey } : {}),
      ...(appsDomain ? { appsDomain } : {}),
      ...(accessUrl ? { accessUrl } : {}),
    },
  };
}

/** The PostgreSQL settings when a URL is given; the pool and timeout are checked either way. */
function postgresConfig(
  url: string,
  input: {
    poolSize: [source: string, value: string];
    statementTimeoutMs: number;
    urlSource: string;
    problems: string[];
  },
): PostgresConfig | undefined {
  const [source, value] = input.poolSize;
  const poolSize = Number(value);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000)
    input.problems.push(`${source} "${value}" must be a whole number from 1 to 1000`);
  if (!url) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below.
  }
  if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    // Never echo the URL itself: it may hold a password.
    input.problems.push(
      `${input.urlSource} is not a PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
    return undefined;
  }
  return { url, poolSize, statementTimeoutMs: input.statementTimeoutMs };
}

export function configHelp(): string {
  const settings: readonly Setting[] = Object.values(SETTINGS);
  const flagWidth = Math.max(...settings.map((s) => s.flag.length));
  const envWidth = Math.max(...settings.map((s) => s.env.length));
  const rows = settings.map(
    (s) =>
      `  --${s.flag.padEnd(flagWidth)} ${s.env.padEnd(envWidth)} ${s.help} (default: ${s.fallback({}) || (s.shownDefault ?? '-')})`,
  );
  return [
    'Usage: hearth server [flags]',
    '',
    'Runs the Hearth API server: SQLite in the data directory (or PostgreSQL with --database-url),',
    'workspaces on the Docker engine.',
    'Each flag can also be set by its environment variable; a flag wins over the variable.',
    '',
    ...rows,
    '',
    'Examples:',
    '  hearth server --listen 127.0.0.1:7080 --data-dir /var/lib/hearth',
    '  HEARTH_DATABASE_URL=postgres://hearth:PASSWORD@127.0.0.1:5432/hearth hearth server   # the URL kept out of argv',
    '  hearth server --ssh-listen 0.0.0.0:2222      # then: ssh -p 2222 api@this-host (after "hearth sshkeys add")',
  ].join('\n');
}
