/** `hearth exec`: run a command in a workspace with stdin, stdout, stderr and exit code passed through. */
import type { ExecSession } from '@hearth/sdk';
import type { Command } from 'commander';
import { connect } from '../context.js';
import { withWorkspaceHints } from '../errors.js';
import { parseWorkspaceRef } from '../workspace-ref.js';

/** Registers `exec` on `program`. */
export function registerExecCommands(program: Command): void {
  program
    .command('exec')
    .description('run a command in a running workspace')
    .argument('<name>', 'workspace: NAME or OWNER/NAME')
    .argument('<cmd...>', 'command and arguments, after --')
    .option('-i, --interactive', 'attach stdin even when it is a terminal')
    .option('-t, --tty', 'allocate a terminal (for shells and editors)')
    // `hearth exec dev ls -la` reads -la as an option of hearth's: say where the command goes.
    .showHelpAfterError(
      'hint: put -- before the command, so its options are not read as hearth’s: hearth exec NAME -- ls -la',
    )
    .addHelpText(
      'after',
      "\nThe command runs as the workspace user, in the home directory. Its arguments are passed as they are,\nwithout a shell: your local shell expands ~ and * before they are sent, so write paths relative to\nhome, or run a shell for remote expansion. Stdin, stdout, stderr and the exit code pass through.\n\nExamples:\n  hearth exec dev -- git status\n  hearth exec dev -- cat notes.txt\n  hearth exec dev -- sh -c 'ls ~/src | wc -l'\n  tar c src | hearth exec dev -- tar x -C /tmp\n  hearth exec -it dev -- bash",
    )
    .action(async (nameArg: string, cmd: string[], opts: { interactive?: boolean; tty?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      const { stdin, stdout } = process;
      // A terminal on stdin is attached only on request: otherwise `hearth exec dev -- ls` would wait for input.
      const attachStdin = opts.interactive === true || !stdin.isTTY;
      const tty = opts.tty === true;
      const termSize = tty && stdout.isTTY ? { cols: stdout.columns, rows: stdout.rows } : {};
      const raw = tty && attachStdin && stdin.isTTY;
      let onResize: (() => void) | undefined;
      if (raw) stdin.setRawMode(true);
      try {
        const code = await withWorkspaceHints(nameArg, () =>
          client.exec(
            ref.owner,
            ref.name,
            { cmd, tty, stdin: attachStdin, ...termSize },
            {
              stdin: attachStdin ? stdin : undefined,
              stdout,
              stderr: process.stderr,
              onStart: (session: ExecSession) => {
                if (!tty || !stdout.isTTY) return;
                onResize = () => session.resize(stdout.columns, stdout.rows);
                stdout.on('resize', onResize);
              },
            },
          ),
        );
        process.exitCode = code;
      } finally {
        if (onResize) stdout.off('resize', onResize);
        if (raw) stdin.setRawMode(false);
      }
    });
}
