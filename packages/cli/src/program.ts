/** The `hearth` command tree, and running it with Hearth's error and exit code conventions. */

import { COMMAND_GROUPS, groupsFor } from './command-index.js';
import { Command, CommanderError } from './commander.js';
import { reportError } from './errors.js';
import { argumentsBeforeRequiredOptions } from './options.js';
import { whenOpened } from './stdio-open.js';
import { guardTextOutput } from './terminal-text.js';
import { VERSION } from './version.js';

const ABOUT = `Hearth: self-hosted cloud development workspaces on Docker.
Each workspace is a container from an org-approved image with a home volume that survives every rebuild.`;

/**
 * Builds the program with the commands of `groups` (all of them unless told); commands are grouped
 * in the help by what they are for.
 */
export async function buildProgram(groups = COMMAND_GROUPS): Promise<Command> {
  const program = new Command('hearth')
    .description(ABOUT)
    .version(VERSION, '-V, --version')
    // Usage errors must exit 2, not commander's default 1, so errors are thrown and mapped in runCli.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment:\n  HEARTH_URL, HEARTH_TOKEN   override the saved session\n  HEARTH_CONFIG_DIR          where the session is saved (default ~/.config/hearth)\n\nGet started:\n  hearth login http://127.0.0.1:7080 --username alice\n  hearth create dev --image hearth-demo:latest --wait\n  hearth exec dev -- uname -a',
    );
  const registrars = await Promise.all(groups.map((g) => g.load()));
  groups.forEach((group, i) => {
    program.commandsGroup(group.heading);
    registrars[i]?.(program);
  });
  argumentsBeforeRequiredOptions(program);
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  whenOpened('stdout', guardTextOutput);
  whenOpened('stderr', guardTextOutput);
  try {
    const program = await buildProgram(groupsFor(argv.slice(2)));
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Commander has already printed its message (or the help); only the exit code is left.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return reportError(err, process.stderr);
  }
}
