/**
 * Server configuration: read once at start from flags and HEARTH_* variables (flags win),
 * validated, typed, defaulted. Every bad setting is listed in one message.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/units.js';
import type { PostgresConfig } from '../store/postgres.js';

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
    help: 'Docker engine endpoint (unix:///var/run/docker.sock, tcp://127.0.0.1:2375); else DOCKER_HOST. The engine `default` of the pool (more: hearth admin engines add)',
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
  const parsed = parseFlags(argv);
  if (parsed.ok !== true) return parsed;
  const r = reader(parsed.values, env, parsed.problems);
  const { listen, sshListen } = listenAddresses(r);
  const buildConcurrency = concurrency(r);
  const timing = intervals(r);
  const engine = engineSettings(r);
  const secretKey = secretKeyFrom(env, r.problems);
  const origins = originSettings(r);
  const postgres = postgresConfig(r.get(SETTINGS.databaseUrl), {
    poolSize: [r.where(SETTINGS.databasePoolSize), r.get(SETTINGS.databasePoolSize)],
    statementTimeoutMs: r.duration(SETTINGS.databaseStatementTimeout),
    urlSource: r.where(SETTINGS.databaseUrl),
    problems: r.problems,
  });
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  const dataDir = r.get(SETTINGS.dataDir);
  return {
    ok: true,
    config: {
      host: listen!.host,
      port: listen!.port,
      ...(sshListen ? { sshListen } : {}),
      dataDir,
      databaseFile: join(dataDir, 'hearth.db'),
      ...(postgres ? { postgres } : {}),
      ...engine,
      buildConcurrency,
      workspaceNetwork: r.get(SETTINGS.workspaceNetwork),
      ...timing,
      secretKeyFile: r.get(SETTINGS.secretKeyFile) || join(dataDir, 'secret.key'),
      ...(secretKey ? { secretKey } : {}),
      ...origins,
    },
  };
}

type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The flags given, with a problem for each unknown flag, missing value or stray argument. */
function parseFlags(
  argv: readonly string[],
): { ok: true; values: FlagValues; problems: string[] } | { ok: false; problems: string[] } | { ok: 'help' } {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
  );
  const problems: string[] = [];
  let values: FlagValues;
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
  return { ok: true, values, problems };
}

/** Each setting's value (its flag, else its variable, else its default), where it came from, and the problems so far. */
interface Reader {
  get(s: Setting): string;
  /** `--flag`, the variable's name, or `default`: what a problem names. */
  where(s: Setting): string;
  /** A duration setting in milliseconds (0, with a problem noted, when it does not parse). */
  duration(s: Setting): number;
  readonly problems: string[];
}

function reader(values: FlagValues, env: NodeJS.ProcessEnv, problems: string[]): Reader {
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
  const duration = (s: Setting): number => {
    const parsed = parseDuration(where(s), get(s));
    if (!parsed.ok) problems.push(parsed.problem);
    return parsed.ok ? parsed.value : 0;
  };
  return { get, where, duration, problems };
}

function listenAddresses(r: Reader) {
  const address = (s: Setting, example: string) => {
    const value = r.get(s);
    const match = /^(.+):(\d{1,5})$/.exec(value);
    const port = match ? Number(match[2]) : Number.NaN;
    if (!match || port > 65535) {
      r.problems.push(`${r.where(s)} "${value}" is not address:port, e.g. ${example}`);
      return undefined;
    }
    // [::1]:7080 is how an IPv6 address is written with a port; the bind wants it bare.
    return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  };
  const listen = address(SETTINGS.listen, '127.0.0.1:7080');
  const sshListen = r.get(SETTINGS.sshListen) ? address(SETTINGS.sshListen, '0.0.0.0:2222') : undefined;
  if (
    listen &&
    sshListen &&
    listen.port !== 0 &&
    listen.port === sshListen.port &&
    listen.host === sshListen.host
  )
    r.problems.push(
      `${r.where(SETTINGS.sshListen)} "${r.get(SETTINGS.sshListen)}" is the API's own address (${r.where(SETTINGS.listen)}): give SSH another port`,
    );
  return { listen, sshListen };
}

function intervals(r: Reader) {
  const atLeast = (s: Setting, minMs: number, shown: string) => {
    const ms = r.duration(s);
    if (ms !== 0 && ms < minMs) r.problems.push(`${r.where(s)} must be at least ${shown}`);
    return ms;
  };
  const stopGraceMs = r.duration(SETTINGS.stopGrace);
  return {
    stopGraceSeconds: Math.ceil(stopGraceMs / 1000),
    reconcileIntervalMs: atLeast(SETTINGS.reconcileInterval, 1000, '1s'),
    lifecycleIntervalMs: atLeast(SETTINGS.lifecycleInterval, 1000, '1s'),
    autoOffWarningMs: r.duration(SETTINGS.autoOffWarning),
    imageCheckIntervalMs: atLeast(SETTINGS.imageCheckInterval, 60_000, '1m'),
  };
}

function concurrency(r: Reader): number {
  const buildConcurrency = Number(r.get(SETTINGS.buildConcurrency));
  if (!Number.isInteger(buildConcurrency) || buildConcurrency < 1 || buildConcurrency > 64) {
    r.problems.push(
      `${r.where(SETTINGS.buildConcurrency)} "${r.get(SETTINGS.buildConcurrency)}" must be a whole number from 1 to 64`,
    );
  }
  return buildConcurrency;
}

function engineSettings(r: Reader) {
  const dockerHost = r.get(SETTINGS.dockerHost);
  if (!/^(unix|tcp):\/\//.test(dockerHost))
    r.problems.push(`${r.where(SETTINGS.dockerHost)} "${dockerHost}" must start with unix:// or tcp://`);
  const logLevel = r.get(SETTINGS.logLevel);
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    r.problems.push(
      `${r.where(SETTINGS.logLevel)} "${logLevel}" must be one of trace, debug, info, warn, error`,
    );
  }
  return { dockerHost, logLevel };
}

/** The secrets' key given in the environment (never as a flag, which others could read). */
function secretKeyFrom(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const secretKey = env.HEARTH_SECRET_KEY || undefined;
  if (secretKey !== undefined && Buffer.from(secretKey, 'base64').length !== 32)
    problems.push('HEARTH_SECRET_KEY must be 32 random bytes in base64, e.g. from: openssl rand -base64 32');
  return secretKey;
}

/** The apps domain and the access URL that browsers use. */
function originSettings(r: Reader) {
  const appsDomain = r.get(SETTINGS.appsDomain).toLowerCase() || undefined;
  if (appsDomain !== undefined && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(appsDomain))
    r.problems.push(
      `${r.where(SETTINGS.appsDomain)} "${appsDomain}" is not a domain, e.g. apps.example.com or localhost:7080`,
    );
  const accessUrl = r.get(SETTINGS.accessUrl).replace(/\/+$/, '') || undefined;
  if (accessUrl !== undefined && !/^https?:\/\/[^/]+$/.test(accessUrl))
    r.problems.push(
      `${r.where(SETTINGS.accessUrl)} "${accessUrl}" must be http:// or https:// and a host, e.g. https://hearth.example.com`,
    );
  return { ...(appsDomain ? { appsDomain } : {}), ...(accessUrl ? { accessUrl } : {}) };
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
