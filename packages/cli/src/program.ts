/** The `hearth` command tree, and running it with Hearth's error and exit code conventions. */
import { Command, CommanderError } from './commander.js';
import { registerAccessCommands } from './commands/access.js';
import { registerAppCommands } from './commands/apps.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerDotfilesCommands } from './commands/dotfiles.js';
import { registerExecCommands } from './commands/exec.js';
import { registerImageCommands } from './commands/images.js';
import { registerAdminCommands, registerLifecycleCommands } from './commands/lifecycle.js';
import { registerLogCommands } from './commands/logs.js';
import { registerOrgCommands } from './commands/orgs.js';
import { registerSecretCommands } from './commands/secrets.js';
import { registerServerCommands } from './commands/server.js';
import { registerSshKeyCommands } from './commands/sshkeys.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerUserCommands } from './commands/users.js';
import { registerWorkspaceCommands } from './commands/workspaces.js';
import { reportError } from './errors.js';
import { guardTextOutput } from './terminal-text.js';

const ABOUT = `Hearth: self-hosted cloud development workspaces on Docker.
Each workspace is a container from an org-approved image with a home volume that survives every rebuild.`;

/** Builds the program; commands are grouped in the help by what they are for. */
export function buildProgram(): Command {
  const program = new Command('hearth')
    .description(ABOUT)
    .version('0.1.0', '-V, --version')
    // Usage errors must exit 2, not commander's default 1, so errors are thrown and mapped in runCli.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment:\n  HEARTH_URL, HEARTH_TOKEN   override the saved session\n  HEARTH_CONFIG_DIR          where the session is saved (default ~/.config/hearth)\n\nGet started:\n  hearth login http://127.0.0.1:7080 --username alice\n  hearth create dev --image hearth-demo:latest --wait\n  hearth exec dev -- uname -a',
    );

  program.commandsGroup('Workspaces:');
  registerWorkspaceCommands(program);
  registerLogCommands(program);
  registerExecCommands(program);
  registerLifecycleCommands(program);
  registerAccessCommands(program);
  registerAppCommands(program);
  program.commandsGroup('Account:');
  registerAuthCommands(program);
  registerTokenCommands(program);
  registerDotfilesCommands(program);
  registerSecretCommands(program);
  registerSshKeyCommands(program);
  program.commandsGroup('Administration:');
  registerUserCommands(program);
  registerOrgCommands(program);
  registerImageCommands(program);
  registerAdminCommands(program);
  program.commandsGroup('Server:');
  registerServerCommands(program);
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  guardTextOutput(process.stdout);
  guardTextOutput(process.stderr);
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Commander has already printed its message (or the help); only the exit code is left.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err, process.stderr);
  }
}
