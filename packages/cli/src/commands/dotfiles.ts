/** `hearth dotfiles …`: the repository every build clones into ~/dotfiles and installs. */
import type { Command } from 'commander';
import { connect } from '../context.js';
import { outputOption } from '../options.js';
import { formatJson } from '../output.js';

const ABOUT = `Every build of your workspaces clones your dotfiles repository into ~/dotfiles (or
fast-forwards it; a changed URL moves the old clone to ~/dotfiles.bak-<time>), then runs the first
of install.sh, install, bootstrap.sh, bootstrap, script/bootstrap, setup.sh, setup, script/setup
it finds there; without one, every top-level dotfile is symlinked into your home (a file in the way
moves to NAME.bak). Then ~/personalize runs if it is executable. All of it runs as you, with its
output in the build log; if it fails the workspace still starts, with a warning.

The clone runs inside each workspace, so the URL is resolved there: a file:// URL names a path in
the workspace (e.g. a bare repository in your home), not on your machine or the server. Without
--branch the repository's default branch is checked out; if its HEAD names a branch that does not
exist, its main, master or only branch is used (and the build log says so).`;

/** Registers `dotfiles` and its subcommands on `program`. */
export function registerDotfilesCommands(program: Command): void {
  const dotfiles = program
    .command('dotfiles')
    .description('set the dotfiles repository your workspaces are personalized with')
    .addHelpText(
      'after',
      `\n${ABOUT}\n\nExamples:\n  hearth dotfiles set https://github.com/alice/dotfiles\n  hearth dotfiles show\n  hearth rebuild dev --wait     # applies it`,
    );

  dotfiles
    .command('set')
    .description('set your dotfiles repository; applied at each workspace’s next build')
    .argument(
      '<url>',
      'git URL: https://…, ssh://…, git@host:path, or file://… (a path inside the workspace, where the clone runs)',
    )
    .option('--branch <branch>', 'branch to check out (default: the repository’s default branch)')
    .addHelpText(
      'after',
      '\nThe URL is resolved inside each workspace, where the clone runs: file:// names a path there.\n\nExamples:\n  hearth dotfiles set git@github.com:alice/dotfiles.git\n  hearth dotfiles set https://github.com/alice/dotfiles --branch work\n  hearth dotfiles set file:///home/dev/repos/dotfiles.git   # a bare repository in the workspace’s home',
    )
    .action(async (url: string, opts: { branch?: string }) => {
      const { client } = await connect();
      const set = await client.setDotfiles({ url, ...(opts.branch ? { branch: opts.branch } : {}) });
      process.stdout.write(
        `Dotfiles set to ${set.url}${set.branch ? ` (branch ${set.branch})` : ''}; rebuild a workspace to apply them.\n`,
      );
    });

  dotfiles
    .command('show')
    .description('show your dotfiles repository')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  hearth dotfiles show\n  hearth dotfiles show -o json')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const current = await client.getDotfiles();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(current)}\n`);
      process.stdout.write(
        current.url
          ? `${current.url}${current.branch ? ` (branch ${current.branch})` : ''}\n`
          : 'No dotfiles set; "hearth dotfiles set URL" sets them.\n',
      );
    });

  dotfiles
    .command('unset')
    .description('stop applying dotfiles at builds (clones already in homes stay)')
    .addHelpText('after', '\nExample:\n  hearth dotfiles unset')
    .action(async () => {
      const { client } = await connect();
      await client.unsetDotfiles();
      process.stdout.write('Dotfiles unset; ~/dotfiles in existing homes is left as it is.\n');
    });
}
