/** Workspace commands, top-level like `coder`: create, list, show, rebuild, start, stop, delete. */
import type { HearthClient, Page, Workspace } from '@hearth/sdk';
import type { Command } from 'commander';
import { connect } from '../context.js';
import { UsageError, withWorkspaceHints } from '../errors.js';
import { addResourceOptions, outputOption, type ResourceFlags, resourcesFrom } from '../options.js';
import { formatJson } from '../output.js';
import { addPageOptions, nextPageHint, type PageFlags } from '../paging.js';
import { BUILD_SETTLED, buildSummary, STOP_SETTLED } from '../progress.js';
import { workspaceDetails, workspaceTable } from '../render.js';
import { waitForDeletion, waitForWorkspace } from '../wait.js';
import { formatWorkspaceRef, parseWorkspaceRef, type WorkspaceRef } from '../workspace-ref.js';

const NAME_HELP = 'workspace: NAME for yours, OWNER/NAME for someone else’s (org admins)';

/** Registers the workspace commands on `program`. */
export function registerWorkspaceCommands(program: Command): void {
  const create = program
    .command('create')
    .description('create a workspace from a catalogue image and build it')
    .argument('<name>', 'workspace name (lowercase letters, digits, -)')
    // An option the action checks, not a required one: commander checks required options before
    // arguments, so a bare `hearth create` would hear about --image before its missing NAME.
    .option('--image <ref>', 'catalogue image, repository:tag (required; hearth images list shows them)')
    .option('--org <org>', 'org whose catalogue offers the image (default: your only org)');
  addResourceOptions(create)
    .option('--autostart', 'rebuild it at your auto-start time (see "hearth autostart set")')
    .option(
      '--auto-off <duration>',
      'stop it after this long idle (30m); only a shorter one than the org’s applies, if the org allows',
    )
    .option('--wait', 'follow the build until the workspace is running or failed')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth create dev --image hearth-demo:latest --wait\n  hearth create big --image hearth-demo:latest --cpu 4 --memory 8GiB --disk 50GiB\n  hearth create day --image hearth-demo:latest --autostart --auto-off 1h',
    )
    .action(
      async (
        name: string,
        opts: ResourceFlags & {
          image?: string;
          org?: string;
          wait?: boolean;
          autostart?: boolean;
          autoOff?: string;
        },
      ) => {
        if (name.includes('/')) throw new UsageError('create makes your own workspace: pass a plain NAME');
        if (!opts.image)
          throw new UsageError(`create needs the image to build ${name} from: pass --image REPOSITORY:TAG`, [
            '`hearth images list` shows the images your orgs offer',
          ]);
        const { client } = await connect();
        const ws = await client.createWorkspace({
          name,
          image: opts.image,
          ...(opts.org ? { org: opts.org } : {}),
          ...(opts.autostart ? { autostart: true } : {}),
          ...(opts.autoOff ? { autoOff: opts.autoOff } : {}),
          ...resourcesFrom(opts),
        });
        await afterBuildAction(client, { owner: 'me', name }, ws, 'Created', opts.wait);
      },
    );

  const list = program
    .command('list')
    .description('list workspaces: yours, or all you can see with --all; one page unless --all')
    .option('--org <org>', 'only workspaces in this org')
    .option('--all', 'every workspace you can see, not only yours (org admins see their orgs), every page')
    .option('--mine', 'with --all: only your own workspaces, every page');
  addPageOptions(list, 'workspaces')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nWithout --all the first page is printed; when there are more, the last line (on stderr) says how to get the next.\n' +
        '\nExamples:\n  hearth list\n  hearth list --all --mine\n  hearth list --all --org team -o json\n  hearth list --all --org team --limit 100 --cursor CURSOR',
    )
    .action(async (opts: ListFlags & { output: string }) => {
      const { client, target } = await connect();
      const { items: list, nextCursor } = await listWorkspaces(client, target.username, opts);
      if (opts.output === 'json') process.stdout.write(`${formatJson(list)}\n`);
      else if (list.length === 0) {
        process.stdout.write('No workspaces. Create one with `hearth create NAME --image REPOSITORY:TAG`.\n');
      } else {
        const showOwner = opts.all === true && list.some((w) => w.owner !== target.username);
        process.stdout.write(`${workspaceTable(list, showOwner)}\n`);
      }
      if (nextCursor !== undefined) process.stderr.write(`${morePages(opts, list.length, nextCursor)}\n`);
    });

  program
    .command('show')
    .description('show a workspace: state and why, image, resources, last build')
    .argument('<name>', NAME_HELP)
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  hearth show dev\n  hearth show alice/dev -o json')
    .action(async (nameArg: string, opts: { output: string }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      const ws = await withWorkspaceHints(nameArg, () => client.getWorkspace(ref.owner, ref.name));
      process.stdout.write(`${opts.output === 'json' ? formatJson(ws) : workspaceDetails(ws)}\n`);
    });

  const rebuild = program
    .command('rebuild')
    .description('rebuild from the latest image, optionally resized: everything outside home is reset')
    .argument('<name>', NAME_HELP);
  addResourceOptions(rebuild)
    .option('--wait', 'follow the build until the workspace is running or failed')
    .addHelpText('after', '\nExamples:\n  hearth rebuild dev --wait\n  hearth rebuild dev --memory 8GiB')
    .action(async (nameArg: string, opts: ResourceFlags & { wait?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      const ws = await withWorkspaceHints(nameArg, () =>
        client.rebuild(ref.owner, ref.name, resourcesFrom(opts)),
      );
      await afterBuildAction(client, ref, ws, 'Rebuilding', opts.wait);
    });

  program
    .command('start')
    .description('start a stopped or failed workspace: a fresh build, home kept')
    .argument('<name>', NAME_HELP)
    .option('--wait', 'follow the build until the workspace is running or failed')
    .addHelpText('after', '\nExamples:\n  hearth start dev --wait\n  hearth start alice/dev')
    .action(async (nameArg: string, opts: { wait?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      const ws = await withWorkspaceHints(nameArg, () => client.start(ref.owner, ref.name));
      await afterBuildAction(client, ref, ws, 'Starting', opts.wait);
    });

  program
    .command('stop')
    .description(
      'stop a workspace: the container goes, the home volume stays; a build in progress is canceled',
    )
    .argument('<name>', NAME_HELP)
    .option('--wait', 'wait until it is stopped')
    .addHelpText('after', '\nExamples:\n  hearth stop dev\n  hearth stop alice/dev --wait')
    .action(async (nameArg: string, opts: { wait?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      await withWorkspaceHints(nameArg, async () => {
        const ws = await client.stop(ref.owner, ref.name);
        if (opts.wait) await waitForWorkspace(client, ref, { until: STOP_SETTLED }, process.stderr);
        else process.stdout.write(`Stopping ${formatWorkspaceRef(ref)} (now ${ws.state}).\n`);
      });
    });

  program
    .command('delete')
    .description('delete a workspace and, permanently, its home volume')
    .argument('<name>', NAME_HELP)
    .option('--yes', 'confirm that the home volume is to be deleted')
    .option('--wait', 'wait until the workspace is gone')
    .addHelpText('after', '\nExample:\n  hearth delete old-dev --yes --wait')
    .action(async (nameArg: string, opts: { yes?: boolean; wait?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      if (!opts.yes) {
        throw new UsageError(`this deletes the home volume of ${nameArg} permanently; pass --yes to confirm`);
      }
      const { client } = await connect();
      await withWorkspaceHints(nameArg, async () => {
        await client.deleteWorkspace(ref.owner, ref.name);
        if (opts.wait) await waitForDeletion(client, ref, process.stderr);
        else process.stdout.write(`Deleting ${formatWorkspaceRef(ref)}.\n`);
      });
    });
}

interface ListFlags extends PageFlags {
  org?: string;
  mine?: boolean;
}

/**
 * The server lists the caller's own workspaces, or with `org` every workspace of an org the caller
 * administers (their own in other orgs). `--all` without `--org` therefore asks org by org, and
 * reads every page; otherwise one page is read (`--limit`, `--cursor`).
 */
async function listWorkspaces(
  client: HearthClient,
  username: string | undefined,
  opts: ListFlags,
): Promise<Page<Workspace>> {
  const paged = opts.limit !== undefined || opts.cursor !== undefined;
  const page = { limit: opts.limit, cursor: opts.cursor };
  if (opts.mine && !opts.all) throw new UsageError('--mine goes with --all: hearth list --all --mine');
  if (!opts.all || opts.mine) {
    // Yours: an org's list names you as its owner; without --org the server lists yours anyway.
    const filter = opts.org ? { org: opts.org, owner: username ?? (await client.me()).username } : {};
    if (!opts.all) return client.listWorkspacesPage({ ...filter, ...page });
    if (paged) throw new UsageError('--all --mine reads every page: leave out --limit and --cursor');
    return { items: await client.listWorkspaces(filter), nextCursor: undefined };
  }
  if (paged) {
    if (!opts.org)
      throw new UsageError('--limit and --cursor page one list: with --all, name the org with --org');
    return client.listWorkspacesPage({ org: opts.org, ...page });
  }
  const orgs = opts.org ? [opts.org] : (await client.listOrgs()).map((o) => o.name);
  const items = (await Promise.all(orgs.map((org) => client.listWorkspaces({ org })))).flat();
  return { items, nextCursor: undefined };
}

/** The last line of a page that is not the last: how to get the next page, or all of them. */
function morePages(opts: ListFlags, shown: number, cursor: string): string {
  const org = opts.org ? ` --org ${opts.org}` : '';
  return nextPageHint({
    what: 'workspaces',
    shown,
    command: `hearth list${opts.all ? ' --all' : ''}${org}`,
    limit: opts.limit,
    cursor,
    // Your own list's "all of them" is yours, every page: --all alone would add everyone's you see.
    ...(opts.all ? {} : { all: `hearth list --all --mine${org}` }),
  });
}

/** After create/rebuild/start: wait for the new build, or say how to follow it. */
async function afterBuildAction(
  client: HearthClient,
  ref: WorkspaceRef,
  ws: Workspace,
  verb: string,
  wait: boolean | undefined,
): Promise<void> {
  const name = formatWorkspaceRef(ref);
  const build = ws.lastBuild;
  if (wait) {
    await withWorkspaceHints(name, () =>
      waitForWorkspace(client, ref, { until: BUILD_SETTLED, build: build?.number }, process.stderr),
    );
    return;
  }
  const queued =
    build?.status === 'queued' && build.queuePosition ? ` at queue position ${build.queuePosition}` : '';
  process.stdout.write(
    `${verb} ${name}: build ${buildSummary(build)}${queued}.\n` +
      `Follow it with \`hearth logs ${name} --follow\`.\n`,
  );
}
