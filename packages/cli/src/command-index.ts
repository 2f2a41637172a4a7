/**
 * Which file registers each top-level command, in the order and under the headings of the help.
 * A command line that names a command loads only the file that registers it: loading and building
 * the whole tree is most of what a command costs at start-up (bench/cli-start.js). The names here
 * are checked against what each file registers (test/unit/command-index.test.ts).
 */
import type { Command } from './commander.js';

/** One file's commands: their help heading, their names, and how to register them. */
export interface CommandGroup {
  readonly heading: string;
  readonly names: readonly string[];
  load(): Promise<(program: Command) => void>;
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    heading: 'Workspaces:',
    names: ['create', 'list', 'show', 'rebuild', 'start', 'stop', 'delete'],
    load: async () => (await import('./commands/workspaces.js')).registerWorkspaceCommands,
  },
  {
    heading: 'Workspaces:',
    names: ['logs'],
    load: async () => (await import('./commands/logs.js')).registerLogCommands,
  },
  {
    heading: 'Workspaces:',
    names: ['exec'],
    load: async () => (await import('./commands/exec.js')).registerExecCommands,
  },
  {
    heading: 'Workspaces:',
    names: ['autostart', 'auto-off', 'keepalive'],
    load: async () => (await import('./commands/lifecycle.js')).registerLifecycleCommands,
  },
  {
    heading: 'Workspaces:',
    names: ['ssh', 'config-ssh'],
    load: async () => (await import('./commands/access.js')).registerAccessCommands,
  },
  {
    heading: 'Workspaces:',
    names: ['apps', 'port-forward', 'ports', 'share'],
    load: async () => (await import('./commands/apps.js')).registerAppCommands,
  },
  {
    heading: 'Account:',
    names: ['setup', 'login', 'logout', 'passwd', 'whoami'],
    load: async () => (await import('./commands/auth.js')).registerAuthCommands,
  },
  {
    heading: 'Account:',
    names: ['tokens'],
    load: async () => (await import('./commands/tokens.js')).registerTokenCommands,
  },
  {
    heading: 'Account:',
    names: ['dotfiles'],
    load: async () => (await import('./commands/dotfiles.js')).registerDotfilesCommands,
  },
  {
    heading: 'Account:',
    names: ['secrets', 'gitssh'],
    load: async () => (await import('./commands/secrets.js')).registerSecretCommands,
  },
  {
    heading: 'Account:',
    names: ['sshkeys'],
    load: async () => (await import('./commands/sshkeys.js')).registerSshKeyCommands,
  },
  {
    heading: 'Administration:',
    names: ['users'],
    load: async () => (await import('./commands/users.js')).registerUserCommands,
  },
  {
    heading: 'Administration:',
    names: ['orgs'],
    load: async () => (await import('./commands/orgs.js')).registerOrgCommands,
  },
  {
    heading: 'Administration:',
    names: ['images'],
    load: async () => (await import('./commands/images.js')).registerImageCommands,
  },
  {
    heading: 'Administration:',
    names: ['admin'],
    load: async () => (await import('./commands/lifecycle.js')).registerAdminCommands,
  },
  {
    heading: 'Server:',
    names: ['server'],
    load: async () => (await import('./commands/server.js')).registerServerCommands,
  },
];

/**
 * The groups to register for `args` (the words after `hearth`): only the one that registers the
 * command named first, or all of them when the first word names none (an option, `help`, a typo:
 * the help and "Did you mean …?" need the whole tree).
 */
export function groupsFor(args: readonly string[]): readonly CommandGroup[] {
  const first = args[0];
  const group = COMMAND_GROUPS.find((g) => first !== undefined && g.names.includes(first));
  return group ? [group] : COMMAND_GROUPS;
}
