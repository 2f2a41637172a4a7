/**
 * Apps and port URLs: `hearth apps list|restart`, `hearth ports` (what listens now),
 * `hearth port-forward` (the URL of a port) and `hearth share` (who may open it). URLs open in a browser; signing in there goes through the
 * Hearth server once per app.
 */
import type { AppUrl, ShareLevel } from '@hearth/sdk';
import { type Command, Option } from '../commander.js';
import { connect } from '../context.js';
import { withWorkspaceHints } from '../errors.js';
import { outputOption } from '../options.js';
import { formatJson, renderTable } from '../output.js';
import { formatWorkspaceRef, parseWorkspaceRef } from '../workspace-ref.js';

const WHO: Record<ShareLevel, string> = {
  owner: 'only you',
  authenticated: 'anyone signed in to this Hearth',
  public: 'anyone with the URL',
};

export function registerAppCommands(program: Command): void {
  const apps = program.command('apps').description("the apps a workspace's image declares: URLs and health");

  apps
    .command('list')
    .description('apps the image declares (with health now) and the shared ports of a workspace')
    .argument('<name>', 'your workspace')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nImages declare apps in /coder/apps/config.yaml (Coder v1 format) or /hearth/apps.yaml; an app with a\ncommand is started as the workspace user at the end of every build.\n\nExamples:\n  hearth apps list api\n  hearth apps list api -o json',
    )
    .action(async (name: string, opts: { output: string }) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const list = await withWorkspaceHints(name, () => client.listApps(ref.owner, ref.name));
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = [
        ...list.apps.map((a) => [a.name, String(a.port), a.health, a.sharing, a.url]),
        ...list.ports.map((p) => [`port ${p.target}`, p.target, '-', p.sharing, p.url]),
      ];
      process.stdout.write(
        rows.length === 0
          ? `${formatWorkspaceRef(ref)} declares no apps and shares no ports; any port's URL: hearth port-forward ${name} PORT\n`
          : `${renderTable(['APP', 'PORT', 'HEALTH', 'SHARED WITH', 'URL'], rows)}\n`,
      );
    });

  apps
    .command('restart')
    .description("restart a declared app's command as the workspace user")
    .argument('<name>', 'your workspace')
    .argument('<app>', 'the app’s name (see hearth apps list)')
    .addHelpText('after', '\nExamples:\n  hearth apps restart api web')
    .action(async (name: string, app: string) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const url = await withWorkspaceHints(name, () => client.restartApp(ref.owner, ref.name, app));
      process.stdout.write(`Restarted ${app}: ${url.url}\n`);
    });

  program
    .command('port-forward')
    .description('print the URL of a port (or app) of a workspace, to open in a browser')
    .argument('<name>', 'your workspace')
    .argument('<port>', 'a port the workspace listens on (its own localhost), or an app name')
    .addHelpText(
      'after',
      '\nThe URL is on its own origin (PORT--WORKSPACE--OWNER.<apps domain>); it works while the workspace runs.\nOnly you can open it until you share it (hearth share). For a local port instead, use\nssh -L (see hearth config-ssh).\n\nExamples:\n  hearth port-forward api 3000\n  open "$(hearth port-forward api 3000)"',
    )
    .action(async (name: string, port: string) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const url = await withWorkspaceHints(name, () => client.appUrl(ref.owner, ref.name, port));
      process.stdout.write(`${url.url}\n`);
    });

  program
    .command('ports')
    .description('the TCP ports a running workspace listens on, with their URLs and who may open them')
    .argument('<name>', 'your workspace')
    .addOption(outputOption())
    .addHelpText(
      'after',
      "\nLists what listens on the workspace's localhost (127.0.0.1 or ::1) or on all its addresses: each\nhas a URL (hearth port-forward). APP names the app the image declares on that port.\n\nExamples:\n  hearth ports api\n  hearth ports api -o json",
    )
    .action(async (name: string, opts: { output: string }) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const list = await withWorkspaceHints(name, () => client.listPorts(ref.owner, ref.name));
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      process.stdout.write(
        list.ports.length === 0
          ? `Nothing listens in ${formatWorkspaceRef(ref)} yet; start a server there on 127.0.0.1 or 0.0.0.0 (e.g. python3 -m http.server 3000, where the image has python3) and run this again\n`
          : `${renderTable(
              ['PORT', 'APP', 'SHARED WITH', 'URL'],
              list.ports.map((p) => [String(p.port), p.app ?? '-', p.sharing, p.url]),
            )}\n`,
      );
    });

  program
    .command('share')
    .description('choose who may open a port or app of your workspace')
    .argument('<name>', 'your workspace')
    .argument('<port>', 'a port number or an app name')
    .addOption(
      new Option('--level <level>', 'owner (only you), authenticated (anyone signed in), public (anyone)')
        .choices(['owner', 'authenticated', 'public'])
        .default('owner'),
    )
    .addHelpText(
      'after',
      '\nThe org’s policy sets the highest level allowed (hearth orgs policy show ORG). Anyone not allowed is\ntold the URL does not exist.\n\nExamples:\n  hearth share api 3000 --level authenticated\n  hearth share api web --level public\n  hearth share api 3000                  # back to owner only',
    )
    .action(async (name: string, port: string, opts: { level: ShareLevel }) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const url: AppUrl = await withWorkspaceHints(name, () =>
        client.shareApp(ref.owner, ref.name, port, opts.level),
      );
      process.stdout.write(`${url.url} can be opened by ${WHO[url.sharing]}.\n`);
    });
}
