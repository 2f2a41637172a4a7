/**
 * How access sessions (exec, terminal, SSH) start processes in a workspace: as the workspace user,
 * in the home directory, with HOME and USER set — the same way everywhere.
 */
import { withSecretEnv } from '../core/secrets.js';
import type { ExecOptions } from '../runtime/runtime.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';

export interface ProcessRequest {
  readonly cmd: readonly string[];
  readonly tty?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly size?: { readonly cols: number; readonly rows: number } | undefined;
}

/** Engine exec options for `request` in `target`. */
export function processOptions(target: ExecTarget, request: ProcessRequest): ExecOptions {
  return {
    // The user's environment secrets are sourced inside the container: they never travel in the exec's config.
    cmd: withSecretEnv(request.cmd),
    user: target.username,
    env: [
      `HOME=${target.home}`,
      `USER=${target.username}`,
      `LOGNAME=${target.username}`,
      ...Object.entries(request.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ],
    workingDir: target.home,
    stdin: true,
    tty: request.tty ?? false,
    ...(request.size && request.size.cols > 0 && request.size.rows > 0 ? { initialSize: request.size } : {}),
  };
}

// The user's shell comes from the image's /etc/passwd, as sshd finds it; /bin/sh when it names none.
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
const VIA_USER_SHELL = 'entry=$(getent passwd "$USER"); shell=${entry##*:}; exec "${shell:-/bin/sh}" "$@"';

/** An interactive login shell, as `ssh HOST` or a terminal gets. */
export const loginShell = (): string[] => ['/bin/sh', '-c', VIA_USER_SHELL, 'sh', '-l'];

/** `command` run by the user's shell, as `ssh HOST COMMAND` does. */
export const shellCommand = (command: string): string[] => [
  '/bin/sh',
  '-c',
  VIA_USER_SHELL,
  'sh',
  '-c',
  command,
];

/** The image's sftp-server, wherever Debian, Fedora or Alpine put it; exits 127 with a message without one. */
export const sftpServer = (): string[] => [
  '/bin/sh',
  '-c',
  'for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server /usr/libexec/sftp-server; do [ -x "$p" ] && exec "$p"; done; echo "hearth: this workspace image has no sftp-server; add the openssh-sftp-server package (Debian) to the image" >&2; exit 127',
];

/** The variable that marks a session's processes, so a signal can find the session's own process. */
export const SESSION_MARKER = 'HEARTH_SESSION';

/** The signals an SSH client may send (RFC 4254 §6.10), by their SSH names. */
export const SSH_SIGNALS: ReadonlySet<string> = new Set([
  'ABRT',
  'ALRM',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'KILL',
  'PIPE',
  'QUIT',
  'SEGV',
  'TERM',
  'USR1',
  'USR2',
]);

/**
 * Sends `signal` to the process of the session marked `sessionId`, as sshd sends it to the
 * session's process and not to its children. The engine cannot signal an exec'd process, so this
 * runs in the workspace as the same user: the session's process is the one carrying the marker
 * whose parent does not (children inherit the variable; the session's parent is outside the
 * container). Needs only sh, tr, grep, sed and kill.
 */
export const signalSession = (sessionId: string, signal: string): string[] => [
  '/bin/sh',
  '-c',
  `marked() { tr '\\0' '\\n' < "$1/environ" 2>/dev/null | grep -qx "${SESSION_MARKER}=$2"; }
for d in /proc/[0-9]*; do
  marked "$d" "$1" || continue
  ppid=$(sed 's/.*) //' "$d/stat" | cut -d' ' -f2)
  marked "/proc/$ppid" "$1" || kill -s "$2" "\${d#/proc/}"
done`,
  'signal',
  sessionId,
  signal,
];

/**
 * A TCP forwarder inside the workspace for `ssh -L`: bash's /dev/tcp connects to the target on the
 * workspace's own network (its loopback included), and `ok` on stderr says the connection is up.
 * Input EOF ends the sending half, but bash cannot half-close the socket: the target sees EOF only
 * when the SSH channel closes. Needs bash and cat in the image.
 */
export const tcpForwarder = (host: string, port: number): string[] => [
  'bash',
  '-c',
  'exec 3<>"/dev/tcp/$1/$2" || exit 1; echo ok >&2; exec 4<&0; cat <&4 >&3 & cat <&3; kill $! 2>/dev/null; exit 0',
  'forward',
  host,
  String(port),
];
