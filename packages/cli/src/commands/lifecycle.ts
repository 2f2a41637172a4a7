/**
 * Lifecycle commands: `autostart`, `auto-off`, `keepalive`, `orgs policy`, `admin executor`,
 * `admin replicas`.
 */
import type { AutostartSchedule, Campaign, HearthClient, OrgPolicy, ShareLevel } from '@hearth/sdk';
import { type Command, Option } from '../commander.js';
import { connect } from '../context.js';
import { UsageError, withWorkspaceHints } from '../errors.js';
import { keepaliveTarget, parseKeepaliveFlags, processExists, runKeepalive } from '../keepalive.js';
import { outputOption, parseCount } from '../options.js';
import { adminOrg } from '../org-default.js';
import { formatDuration, formatJson, renderTable } from '../output.js';
import { addPageOptions, nextPageHint, type PageFlags, readPages } from '../paging.js';
import { autoOffAnswer, autostartOptIns, zonedTime } from '../render.js';
import { formatWorkspaceRef, parseWorkspaceRef } from '../workspace-ref.js';
import { registerEngineCommands } from './engines.js';

/** Registers `autostart`, `auto-off` and `keepalive` on `program`. */
export function registerLifecycleCommands(program: Command): void {
  registerAutostart(program);

  program
    .command('auto-off')
    .description('give one of your workspaces a shorter auto-off than the org’s (if the org allows it)')
    .argument('<name>', 'your workspace')
    .argument('<duration>', 'e.g. 30m or 1h; never (or 0) for never; default to clear it (the org’s applies)')
    .addHelpText(
      'after',
      '\nOnly an auto-off shorter than the org’s applies; the answer says which one is in force and when the\nworkspace stops. never (or 0) means never everywhere: here it leaves the org’s auto-off in force.\n\nExamples:\n  hearth auto-off dev 30m\n  hearth auto-off dev default',
    )
    .action(async (name: string, duration: string) => {
      const ref = parseWorkspaceRef(name);
      const { client } = await connect();
      const ws = await withWorkspaceHints(name, () =>
        client.updateWorkspaceLifecycle(ref.owner, ref.name, {
          autoOff: duration === 'default' ? null : duration,
        }),
      );
      process.stdout.write(`${autoOffAnswer(formatWorkspaceRef(ref), ws.lifecycle)}\n`);
    });

  program
    .command('keepalive')
    .description('count as activity so auto-off waits: once, while a process runs, or for a while')
    .argument(
      '[name]',
      'workspace; required on your machine, and inside a workspace it defaults to that one ($HEARTH_WORKSPACE)',
    )
    .option('--pid <pid>', 'keep pinging while this process runs (e.g. a long build or training job)')
    .option('--for <duration>', 'keep pinging for at most this long, e.g. 2h')
    .option('--interval <duration>', 'time between pings', '60s')
    .addHelpText(
      'after',
      `
Auto-off stops workspaces nobody uses. A long job started in the background (a build, a
training run) is not a session, so tell Hearth about it instead of having it killed as idle:

Examples:
  hearth keepalive                         # once, from inside the workspace
  long-job & hearth keepalive --pid $!     # as long as the job runs (returns when it ends)
  make & hearth keepalive api --pid $!     # the same from your machine: name the workspace
  hearth keepalive dev --for 2h            # for the next two hours`,
    )
    .action(async (name: string | undefined, opts: { pid?: string; for?: string; interval: string }) => {
      const flags = parseKeepaliveFlags(opts);
      const ref = parseWorkspaceRef(keepaliveTarget(name, process.env));
      const { client } = await connect();
      const pings = await withWorkspaceHints(formatWorkspaceRef(ref), () =>
        runKeepalive({
          ping: async () => void (await client.keepalive(ref.owner, ref.name)),
          alive: () => flags.pid === undefined || processExists(flags.pid),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          now: () => Date.now(),
          intervalMs: flags.intervalMs,
          watchMs: 250,
          forMs: flags.forMs ?? (flags.pid === undefined ? 0 : undefined),
        }),
      );
      process.stderr.write(
        `Kept ${formatWorkspaceRef(ref)} alive (${pings} ping${pings === 1 ? '' : 's'}).\n`,
      );
    });
}

function registerAutostart(program: Command): void {
  const autostart = program
    .command('autostart')
    .description('rebuild your opted-in workspaces at a time of day, so they are ready when you are')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth autostart set 08:30 --tz Europe/Berlin --days mon-fri\n  hearth autostart on dev\n  hearth autostart show',
    );

  autostart
    .command('set')
    .description('set your schedule: stopped opted-in workspaces are rebuilt (latest image) by then')
    .argument('<time>', 'HH:MM, 24-hour clock, in --tz')
    .requiredOption('--tz <zone>', 'IANA time zone, e.g. Europe/Berlin, America/New_York, UTC')
    .option('--days <days>', 'weekdays: mon-fri, mon,wed,fri, every', 'every')
    .addHelpText('after', '\nExample:\n  hearth autostart set 08:30 --tz Europe/Berlin --days mon-fri')
    .action(async (time: string, opts: { tz: string; days: string }) => {
      const { client } = await connect();
      const schedule = await client.putAutostart({ time, timezone: opts.tz, days: opts.days });
      process.stdout.write(
        `${describeSchedule(schedule)}\nOpt workspaces in with \`hearth autostart on NAME\` (or create them with --autostart).\n`,
      );
    });

  autostart
    .command('show')
    .description('show your schedule, its next firing and the workspaces opted in')
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const [schedule, workspaces] = await Promise.all([client.getAutostart(), client.listWorkspaces()]);
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(schedule)}\n`);
      process.stdout.write(
        `${schedule ? describeSchedule(schedule) : 'Auto-start is off.'}\n${autostartOptIns(workspaces, schedule !== null && schedule !== undefined)}\n`,
      );
    });

  autostart
    .command('on')
    .description('opt a workspace in to your schedule')
    .argument('<name>', 'your workspace')
    .action(async (name: string) => setWorkspaceAutostart(name, true));

  autostart
    .command('off')
    .description('turn your schedule off, or with NAME opt one workspace out')
    .argument('[name]', 'your workspace')
    .action(async (name: string | undefined) => {
      if (name) return setWorkspaceAutostart(name, false);
      const { client } = await connect();
      await client.deleteAutostart();
      process.stdout.write(
        'Auto-start is off: your schedule is removed. Workspaces opted in stay opted in, and start again once you set one (hearth autostart set).\n',
      );
    });
}

async function setWorkspaceAutostart(name: string, on: boolean): Promise<void> {
  const ref = parseWorkspaceRef(name);
  const { client } = await connect();
  await withWorkspaceHints(name, () =>
    client.updateWorkspaceLifecycle(ref.owner, ref.name, { autostart: on }),
  );
  process.stdout.write(`${formatWorkspaceRef(ref)}: auto-start ${on ? 'on' : 'off'}.\n`);
}

function describeSchedule(s: AutostartSchedule): string {
  return `Auto-start at ${s.time} ${s.timezone} on ${s.days.join(',')}; next: ${zonedTime(s.nextFireAt, s.timezone)}.`;
}

/** Registers `orgs policy show|set` under `orgs`. */
export function registerPolicyCommands(orgs: Command): void {
  const policy = orgs
    .command('policy')
    .description("show or change an org's lifecycle policy (auto-off, auto-start)");

  policy
    .command('show')
    .argument('<org>')
    .addOption(outputOption())
    .action(async (org: string, opts: { output: string }) => {
      const { client } = await connect();
      const p = await client.getOrgPolicy(org);
      process.stdout.write(`${opts.output === 'json' ? formatJson(p) : describePolicy(p)}\n`);
    });

  policy
    .command('set')
    .description('change the policy (org admin); running workspaces follow it at once')
    .argument('<org>')
    .option('--auto-off <duration>', 'stop running workspaces idle this long, e.g. 2h; never (or 0) = never')
    .option('--user-override', 'let owners choose a shorter auto-off for their workspaces')
    .option('--no-user-override', 'owners may not choose their own auto-off')
    .option('--autostart-days <days>', 'weekdays auto-start may fire on: mon-fri, every')
    .option(
      '--skip-unused-days <n>',
      'auto-start skips workspaces unused this many days (0 = never skip)',
      parseCount,
    )
    .addOption(
      new Option(
        '--max-share <level>',
        'the highest level workspace apps and ports may be shared at',
      ).choices(['owner', 'authenticated', 'public']),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  hearth orgs policy set default --auto-off 2h\n  hearth orgs policy set default --auto-off 4h --user-override --autostart-days mon-fri\n  hearth orgs policy set default --max-share public',
    )
    .action(
      async (
        org: string,
        opts: {
          autoOff?: string;
          userOverride?: boolean;
          autostartDays?: string;
          skipUnusedDays?: number;
          maxShare?: ShareLevel;
        },
      ) => {
        const body = {
          ...(opts.autoOff === undefined ? {} : { autoOff: opts.autoOff }),
          ...(opts.userOverride === undefined ? {} : { userOverride: opts.userOverride }),
          ...(opts.autostartDays === undefined ? {} : { autostartDays: opts.autostartDays }),
          ...(opts.skipUnusedDays === undefined ? {} : { skipUnusedDays: opts.skipUnusedDays }),
          ...(opts.maxShare === undefined ? {} : { maxShareLevel: opts.maxShare }),
        };
        if (Object.keys(body).length === 0)
          throw new UsageError(
            'nothing to change: pass --auto-off, --user-override, --autostart-days, --skip-unused-days or --max-share',
          );
        const { client } = await connect();
        process.stdout.write(`${describePolicy(await client.updateOrgPolicy(org, body))}\n`);
      },
    );
}

async function followCampaign(client: HearthClient, campaign: Campaign): Promise<Campaign> {
  let current = campaign;
  while (current.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    current = await client.getCampaign(campaign.id);
  }
  return current;
}

function countsText(c: Campaign): string {
  return (
    Object.entries(c.counts)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ') || 'no workspaces'
  );
}

function describeCampaign(c: Campaign): string {
  const head = `Campaign ${c.id} (${c.org}) by ${c.initiator}: ${c.status}; ${countsText(c)}`;
  const rows = c.items.map((i) => [
    i.workspace,
    i.status,
    i.buildNumber === null ? '-' : `#${i.buildNumber}`,
    i.error ?? '',
  ]);
  return rows.length === 0
    ? head
    : `${head}\n${renderTable(['WORKSPACE', 'RESULT', 'BUILD', 'ERROR'], rows)}`;
}

function describePolicy(p: OrgPolicy): string {
  return renderTable(
    ['ORG', 'AUTO-OFF', 'USER OVERRIDE', 'AUTO-START DAYS', 'SKIP UNUSED', 'MAX SHARE'],
    [
      [
        p.org,
        p.autoOffMs === 0 ? 'never' : p.autoOff,
        p.userOverride ? 'shorter allowed' : 'no',
        p.autostartDays.join(','),
        p.skipUnusedDays === 0 ? 'never' : `${p.skipUnusedDays}d`,
        p.maxShareLevel,
      ],
    ],
  );
}

/** Registers `admin` (site and org administration of the lifecycle). */
export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('administration: rebuild campaigns, lifecycle executor, container engines, server replicas')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth admin rebuild --org default --outdated-only --wait\n  hearth admin campaigns list --org default\n  hearth admin executor\n  hearth admin engines list\n  hearth admin replicas',
    );
  registerEngineCommands(admin);

  admin
    .command('rebuild')
    .description(
      'start a rebuild campaign: matching workspaces rebuilt from the latest image, a few at a time (org admin)',
    )
    .option('--org <org>', 'org whose workspaces to rebuild (default: the only org you administer)')
    .option('--image <ref>', 'only workspaces of this catalogue image')
    .option('--outdated-only', 'only workspaces built from an older digest (see "hearth images check")')
    .option('--include-stopped', 'rebuild stopped and failed workspaces too (default: running only)')
    .option('--concurrency <n>', 'rebuilds at once', parseCount, 2)
    .option('--wait', 'follow the campaign until every workspace has a result')
    .addHelpText(
      'after',
      '\nOne failed rebuild does not stop the campaign; each workspace gets its own result.\n\nExample:\n  hearth admin rebuild --org default --image hearth-demo:latest --outdated-only --wait',
    )
    .action(
      async (opts: {
        org?: string;
        image?: string;
        outdatedOnly?: boolean;
        includeStopped?: boolean;
        concurrency: number;
        wait?: boolean;
      }) => {
        if (opts.concurrency < 1) throw new UsageError('--concurrency must be at least 1');
        const { client } = await connect();
        const org = await adminOrg(client, opts.org, 'hearth admin rebuild --org ORG');
        let campaign = await client.startCampaign(org, {
          ...(opts.image ? { image: opts.image } : {}),
          ...(opts.outdatedOnly ? { outdatedOnly: true } : {}),
          ...(opts.includeStopped ? { includeStopped: true } : {}),
          concurrency: opts.concurrency,
        });
        process.stdout.write(
          `Campaign ${campaign.id}: ${campaign.items.length} workspace(s), ${campaign.concurrency} at a time.\n`,
        );
        if (opts.wait) campaign = await followCampaign(client, campaign);
        else if (campaign.items.length > 0)
          process.stdout.write(`Follow it with \`hearth admin campaigns show ${campaign.id}\`.\n`);
        if (opts.wait) {
          process.stdout.write(`${describeCampaign(campaign)}\n`);
          if ((campaign.counts.failed ?? 0) > 0) process.exitCode = 1;
        }
      },
    );

  const campaigns = admin
    .command('campaigns')
    .description('rebuild campaigns and their per-workspace results');
  const list = campaigns
    .command('list')
    .description("an org's campaigns, newest first (org admin); one page unless --all")
    .option('--org <org>', 'org (default: the only org you administer)')
    .option('--all', 'every page');
  addPageOptions(list, 'campaigns')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nWithout --all the first page is printed; when there are more, a line on stderr says how to get the next.\n' +
        '\nExamples:\n  hearth admin campaigns list --org default\n  hearth admin campaigns list --org default --all -o json',
    )
    .action(async (opts: PageFlags & { org?: string; output: string }) => {
      const { client } = await connect();
      const org = await adminOrg(client, opts.org, 'hearth admin campaigns list --org ORG');
      const { items, nextCursor } = await readPages(
        opts,
        (page) => client.listCampaignsPage(org, page),
        () => client.listCampaigns(org),
      );
      if (opts.output === 'json') process.stdout.write(`${formatJson(items)}\n`);
      else if (items.length === 0)
        process.stdout.write(
          `No campaigns in ${org} yet. Start one with \`hearth admin rebuild --org ${org}\`.\n`,
        );
      else {
        const rows = items.map((c) => [c.id, c.status, c.initiator, countsText(c), c.createdAt]);
        process.stdout.write(`${renderTable(['ID', 'STATUS', 'BY', 'RESULTS', 'STARTED'], rows)}\n`);
      }
      if (nextCursor === undefined) return;
      const command = `hearth admin campaigns list --org ${org}`;
      const all = `${command} --all`;
      const hint = nextPageHint({
        what: 'campaigns',
        shown: items.length,
        command,
        limit: opts.limit,
        cursor: nextCursor,
        all,
      });
      process.stderr.write(`${hint}\n`);
    });
  campaigns
    .command('show')
    .description('one campaign with every workspace’s result')
    .argument('<id>')
    .addOption(outputOption())
    .action(async (id: string, opts: { output: string }) => {
      const { client } = await connect();
      const campaign = await client.getCampaign(id);
      process.stdout.write(`${opts.output === 'json' ? formatJson(campaign) : describeCampaign(campaign)}\n`);
    });

  admin
    .command('executor')
    .description('the lifecycle executor’s counters: ticks, actions by kind, errors, tick time (site admin)')
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const s = await client.executorStats();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(s)}\n`);
      const avg = s.ticks === 0 ? null : s.totalTickMs / s.ticks;
      const rows = [
        ['interval', s.intervalMs === 0 ? 'off' : formatDuration(s.intervalMs)],
        ['ticks', String(s.ticks)],
        ['errors', String(s.errors)],
        ...Object.entries(s.actions).map(([k, v]) => [`actions.${k}`, String(v)]),
        ['last tick', s.lastTickAt ?? '-'],
        [
          'tick time last/avg/max',
          `${formatDuration(s.lastTickMs)} / ${formatDuration(avg)} / ${formatDuration(s.maxTickMs)}`,
        ],
        ['candidates last tick', String(s.lastCandidates)],
      ];
      process.stdout.write(`${renderTable(['COUNTER', 'VALUE'], rows)}\n`);
    });

  admin
    .command('replicas')
    .description(
      'the live server replicas (servers on one PostgreSQL database): host, address, last heartbeat, running builds; and the queue (site admin)',
    )
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nThe replica that answered is marked with *. A build names the replica that runs it ("hearth show -o json": lastBuild.replica).',
    )
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const o = await client.replicas();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(o)}\n`);
      const rows = o.replicas.map((r) => [
        `${r.self ? '*' : ' '}${r.id}`,
        `${r.host}:${r.pid}`,
        r.address ?? '-',
        r.heartbeatAt,
        String(r.runningBuilds),
      ]);
      process.stdout.write(
        `${renderTable(['REPLICA', 'HOST:PID', 'ADDRESS', 'HEARTBEAT', 'BUILDING'], rows)}\nqueued builds: ${o.queuedBuilds}\n`,
      );
    });
}
