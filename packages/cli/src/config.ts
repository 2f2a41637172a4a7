/**
 * Where the CLI keeps its session, and which server and token a command uses. The session file
 * holds a bearer token, so it is written 0600 inside a 0700 directory, atomically. Through node:fs's
 * synchronous calls: node:fs/promises loads a dozen modules (readline's among them) that every
 * command would pay for at start-up (bench/cli-start.js), for a file of a few hundred bytes.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { VERSION } from './version.js';

/** Sent as User-Agent so server logs tell CLI calls apart. */
export const USER_AGENT = `hearth-cli/${VERSION} node/${process.version}`;

/** What `hearth login` stores. */
export interface Session {
  url: string;
  token: string;
  username: string;
}

/** The server and credentials a command runs with, after env overrides. */
export interface Target {
  url: string;
  token: string;
  /** Unknown when the token came from `HEARTH_TOKEN` alone. */
  username: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `$HEARTH_CONFIG_DIR`, else `$XDG_CONFIG_HOME/hearth`, else `~/.config/hearth`. */
export function configDir(env: Env = process.env): string {
  if (env.HEARTH_CONFIG_DIR) return env.HEARTH_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hearth');
}

/** The session file's path. */
export function sessionPath(env: Env = process.env): string {
  return join(configDir(env), 'session.json');
}

/** The stored session, or undefined when there is none. A damaged file is an error that says what to do. */
export async function readSession(env: Env = process.env): Promise<Session | undefined> {
  const path = sessionPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isSession(value)) {
    throw new CliError(`the session file ${path} is damaged`, { hints: ['run `hearth login URL` again'] });
  }
  return { url: value.url, token: value.token, username: value.username };
}

/** Stores the session: 0600 file, 0700 directory, replaced atomically so a crash never leaves half a file. */
export async function writeSession(session: Session, env: Env = process.env): Promise<string> {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = sessionPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

/** Removes the session file; true when there was one. */
export async function deleteSession(env: Env = process.env): Promise<boolean> {
  const path = sessionPath(env);
  try {
    rmSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * The server and token to use: `HEARTH_URL` and `HEARTH_TOKEN` override the session file, so
 * scripts and workspaces can run the CLI without logging in.
 */
export function resolveTarget(session: Session | undefined, env: Env = process.env): Target {
  const url = env.HEARTH_URL || session?.url;
  const token = env.HEARTH_TOKEN || session?.token;
  if (!url || !token) {
    throw new CliError('You are not logged in. Run `hearth login URL`.');
  }
  // A username belongs to the stored token; with another token from the env it may be someone else.
  const username = env.HEARTH_TOKEN && env.HEARTH_TOKEN !== session?.token ? undefined : session?.username;
  return { url, token, username };
}

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.url === 'string' && typeof v.token === 'string' && typeof v.username === 'string';
}

/**
 * The server URL as the client wants it: a scheme (http:// when none is typed, as people type
 * `localhost:7080`), no trailing slash, no path beyond the base.
 */
export function normalizeServerUrl(input: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `http://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`invalid server URL "${input}"`, {
      hints: ['use e.g. http://127.0.0.1:7080'],
      exitCode: 2,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`invalid server URL "${input}": use http:// or https://`, { exitCode: 2 });
  }
  const path = url.pathname.replace(/\/+$/, '');
  // The API's own address (as in /api/v1/openapi.json) is a path below the server's: the client
  // adds /api/v1 itself, so that URL would ask for /api/v1/api/v1/… and get "no such API route".
  const api = /(^|\/)api\/v1(\/|$)/.exec(path);
  if (api) {
    const server = `${url.origin}${path.slice(0, api.index)}`;
    throw new CliError(`"${input}" is an address of the API, not of the server: use ${server}`, {
      exitCode: 2,
    });
  }
  return `${url.origin}${path}`;
}
