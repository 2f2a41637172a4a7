/**
 * The block `hearth config-ssh` keeps in ~/.ssh/config: one `Host hearth.<name>` entry per
 * workspace, between markers, replaced as a whole on every run so reruns change nothing else.
 * Pure: text in, text out.
 */

import { resolve } from 'node:path';
import { shellQuote } from './shell-words.js';

export const BEGIN_MARKER = '# ------------ BEGIN HEARTH (managed by `hearth config-ssh`) ------------';
export const END_MARKER = '# ------------ END HEARTH ------------';

export interface SshConfigInput {
  /** Workspace names, as `hearth ssh` takes them. */
  readonly workspaces: readonly string[];
  /** The command that relays a connection: `… ssh --stdio` (the workspace name is appended). */
  readonly proxyCommand: string;
  /** The known_hosts file holding the server's host key under {@link hostKeyAlias}. */
  readonly knownHostsFile: string;
  readonly hostKeyAlias: string;
  /** Whether the ProxyCommand hands the connection itself to ssh (`ProxyUseFdpass`, ssh-fdpass.ts). */
  readonly passConnection?: boolean;
}

/**
 * AES-GCM first: both ends have AES instructions for it, and bench/ssh moves about 10% more per
 * second with it than with OpenSSH's default chacha20-poly1305, which stays as the fallback.
 */
const CIPHERS = 'aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com';

/** The alias host entries are prefixed with: `ssh hearth.api`. */
export const hostAlias = (workspace: string): string => `hearth.${workspace}`;

/** The managed block (with its markers and a trailing newline). */
export function renderBlock(input: SshConfigInput): string {
  const lines = [BEGIN_MARKER];
  for (const name of input.workspaces) {
    lines.push(
      `Host ${hostAlias(name)}`,
      `  ProxyCommand ${input.proxyCommand} ${name}`,
      ...(input.passConnection ? ['  ProxyUseFdpass yes'] : []),
      `  HostKeyAlias ${input.hostKeyAlias}`,
      `  UserKnownHostsFile ${quote(input.knownHostsFile)}`,
      '  StrictHostKeyChecking yes',
      `  Ciphers ${CIPHERS}`,
      '  LogLevel ERROR',
      '',
    );
  }
  lines.push(END_MARKER);
  return `${lines.join('\n')}\n`;
}

/**
 * `config` with the managed block replaced by `block`, or the block appended (after a blank line)
 * when there is none yet. Text outside the markers is kept byte for byte.
 */
export function mergeBlock(config: string, block: string): string {
  const begin = config.indexOf(BEGIN_MARKER);
  const end = config.indexOf(END_MARKER, begin);
  if (begin !== -1 && end !== -1) {
    let after = end + END_MARKER.length;
    if (config[after] === '\n') after++;
    return config.slice(0, begin) + block + config.slice(after);
  }
  if (config === '') return block;
  return `${config}${config.endsWith('\n') ? '' : '\n'}\n${block}`;
}

/** Quotes a word for ssh_config when it needs it. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `"${word.replaceAll('"', '\\"')}"`;
}

/**
 * The command to try an entry with. OpenSSH reads `~/.ssh/config` from the account's home in the
 * password database (`sshReads`), not from `$HOME`: a block written anywhere else needs `-F`, or
 * `ssh hearth.NAME` as typed would not find it.
 */
export function tryCommand(alias: string, configFile: string, sshReads: string): string {
  return resolve(configFile) === resolve(sshReads)
    ? `ssh ${alias}`
    : `ssh -F ${shellQuote(configFile)} ${alias}`;
}
