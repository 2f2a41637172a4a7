/**
 * Where secrets live inside a workspace and how they get there, pure.
 *
 * `/run/hearth` is a tmpfs (mode 1777) of every workspace container: gone when the container goes.
 * The first hook exec of a build (configure's) pipes {@link injectionPayload} into
 * {@link INJECT_SCRIPT}, run as the workspace user with umask 077, which creates the private
 * directory {@link USER_DIR} and decodes each file into it. Values travel only on the exec's stdin:
 * never argv, never an image layer, never the home.
 */
import { shQuote } from './dotfiles.js';

export const RUN_DIR = '/run/hearth';
/** The workspace user's private directory (0700) on the tmpfs. */
export const USER_DIR = `${RUN_DIR}/user`;
/** Where the server's unix socket directory is mounted (read-only). */
export const SERVER_SOCKET_DIR = `${RUN_DIR}/server`;
export const SERVER_SOCKET = 'hearth.sock';
/** `HEARTH_URL` inside workspaces. */
export const IN_WORKSPACE_URL = `unix://${SERVER_SOCKET_DIR}/${SERVER_SOCKET}`;
/** The `hearth` CLI's config directory inside workspaces (`HEARTH_CONFIG_DIR`). */
export const CLI_CONFIG_DIR = `${USER_DIR}/cli`;
export const GIT_KEY_FILE = `${USER_DIR}/git/id_ed25519`;
/** Secrets set with `--file`, one file per name. */
export const SECRET_FILES_DIR = `${USER_DIR}/secrets`;
/** Shell lines exporting the environment secrets; hook and exec sessions source it. */
export const SECRET_ENV_FILE = `${USER_DIR}/env`;

/** Environment every workspace container gets: paths only, never a secret. */
export const WORKSPACE_ENV: readonly string[] = [
  `HEARTH_CONFIG_DIR=${CLI_CONFIG_DIR}`,
  `HEARTH_SECRETS_DIR=${SECRET_FILES_DIR}`,
  `GIT_SSH_COMMAND=ssh -i ${GIT_KEY_FILE} -o IdentitiesOnly=yes`,
];

/** Names that would break the workspace or Hearth if a secret replaced them. */
const RESERVED = new Set(['PATH', 'HOME', 'USER', 'SHELL', 'PWD', 'GIT_SSH_COMMAND']);

/** Secret names are environment variable names, also used as file names. */
export function secretNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
    return `"${name}" is not a valid secret name: use letters, digits and _, not starting with a digit (e.g. NPM_TOKEN)`;
  if (RESERVED.has(name) || name.startsWith('HEARTH_'))
    return `${name} is reserved; choose another name for the secret`;
  return undefined;
}

export const MAX_SECRET_BYTES = 64 * 1024;

export interface InjectedSecret {
  readonly name: string;
  readonly value: string;
  /** A file in {@link SECRET_FILES_DIR} rather than an environment variable. */
  readonly file: boolean;
}

export interface Injection {
  /** The CLI session file's content (`{url, token, username}`). */
  readonly cliSession: string;
  readonly gitPrivateKey: string;
  readonly secrets: readonly InjectedSecret[];
}

/**
 * Reads `name value-in-base64` lines from stdin into {@link USER_DIR}. Every build runs it, so it
 * starts few processes: the directories at once, then one `base64` per file.
 */
export const INJECT_SCRIPT = `set -e
umask 077
mkdir -p ${USER_DIR}/cli ${USER_DIR}/git ${SECRET_FILES_DIR}
chmod 700 ${USER_DIR}
while IFS=' ' read -r name data; do
  case "$name" in '' | /* | *..*) echo "bad file name: $name" >&2; exit 3 ;; esac
  printf '%s' "$data" | base64 -d >"${USER_DIR}/$name"
done
`;

/** The exit status of {@link withSecretsWritten}'s command when writing the secrets failed. */
export const INJECT_FAILED = 213;

/**
 * `cmd`, preceded in the same process by {@link INJECT_SCRIPT} reading {@link injectionPayload}
 * from stdin: one exec instead of two for every build (bench/rebuild.js). The script runs in a
 * subshell, so its `umask 077` and `set -e` do not reach `cmd`; `cmd` then gets an empty stdin.
 */
export function withSecretsWritten(cmd: readonly string[]): string[] {
  const script = `(\n${INJECT_SCRIPT}) || exit ${INJECT_FAILED}\nexec "$@" </dev/null\n`;
  return ['sh', '-c', script, 'sh', ...cmd];
}

/** The stdin of {@link INJECT_SCRIPT}: every file, relative to {@link USER_DIR}. */
export function injectionPayload(injection: Injection): string {
  const files: [string, string][] = [
    ['cli/session.json', injection.cliSession],
    ['git/id_ed25519', injection.gitPrivateKey],
    ['env', renderEnvFile(injection.secrets.filter((s) => !s.file))],
  ];
  for (const s of injection.secrets) if (s.file) files.push([`secrets/${s.name}`, s.value]);
  return files.map(([path, content]) => `${path} ${Buffer.from(content).toString('base64')}\n`).join('');
}

/** `export NAME='value'` lines. */
export function renderEnvFile(secrets: readonly InjectedSecret[]): string {
  return secrets.map((s) => `export ${s.name}=${shQuote(s.value)}\n`).join('');
}

/** Runs `cmd` with the environment secrets exported (when the file is there). */
export function withSecretEnv(cmd: readonly string[]): string[] {
  return ['sh', '-c', `if [ -r ${SECRET_ENV_FILE} ]; then . ${SECRET_ENV_FILE}; fi; exec "$@"`, 'sh', ...cmd];
}

/** Values shorter than this are not redacted: masking every "1" or "yes" would garble logs for nothing. */
export const MIN_REDACTED_LENGTH = 4;

/** The strings to mask in logs: each value, and each line of a multi-line value, longest first. */
export function redactions(values: readonly string[]): string[] {
  const all = new Set<string>();
  for (const v of values) {
    for (const part of [v, ...v.split('\n').map((l) => l.trim())]) {
      if (part.length >= MIN_REDACTED_LENGTH) all.add(part);
    }
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of every redaction with `***`. */
export function redact(line: string, masks: readonly string[]): string {
  let out = line;
  for (const m of masks) if (out.includes(m)) out = out.replaceAll(m, '***');
  return out;
}
