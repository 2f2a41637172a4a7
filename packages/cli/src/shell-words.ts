/** Words for a POSIX shell on the other side (OpenSSH's ProxyCommand, a workspace user's shell). */

/** Single-quotes `word` unless it is plainly safe: the shell then sees it as one word, as it is. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line `hearth ssh NAME -- CMD…` sends. One argument is a command line for the
 * remote shell, as `ssh host 'make && make test'` takes it. Several keep their boundaries, as
 * `hearth exec` does: `sh -c 'echo out'` reaches `sh` as two arguments, not as `sh -c echo out`
 * (OpenSSH joins them with spaces, which loses `out`). Undefined for no command: a login shell.
 */
export function remoteCommand(cmd: readonly string[]): string | undefined {
  if (cmd.length === 0) return undefined;
  if (cmd.length === 1) return cmd[0];
  return cmd.map(shellQuote).join(' ');
}
