/** `hearth orgs …`: organizations, their members and their resource limits. */
import type { Org, UpdateOrgLimitsRequest } from '@hearth/sdk';
import { type Command, Option } from '../commander.js';
import { connect } from '../context.js';
import { UsageError } from '../errors.js';
import { outputOption, parseCount, parseCpu, parseSize, SIZE_HELP } from '../options.js';
import { formatAge, formatBytes, formatCpu, formatJson, renderTable } from '../output.js';
import { registerPolicyCommands } from './lifecycle.js';

/** Registers `orgs` and its subcommands on `program`. */
export function registerOrgCommands(program: Command): void {
  const orgs = program
    .command('orgs')
    .description('manage organizations, members and limits')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth orgs create team\n  hearth orgs members add team bob --role admin',
    );

  orgs
    .command('create')
    .description('create an organization (site admin)')
    .argument('<name>')
    .addHelpText('after', '\nExample:\n  hearth orgs create team')
    .action(async (name: string) => {
      const { client } = await connect();
      const org = await client.createOrg({ name });
      process.stdout.write(
        `Created org ${org.name}. Add people with \`hearth orgs members add ${org.name} USER\`.\n`,
      );
    });

  orgs
    .command('delete')
    .description('delete an org without workspaces, with its members, catalogue and policy (site admin)')
    .argument('<name>')
    .option('--yes', 'really delete it')
    .addHelpText(
      'after',
      '\nAn org that still has workspaces (in any state) is not deleted: the error names them, and each is\ndeleted first with `hearth delete OWNER/NAME --yes` (which removes its home volume). The org default\ncannot be deleted.\n\nExample:\n  hearth orgs delete team --yes',
    )
    .action(async (name: string, opts: { yes?: boolean }) => {
      if (!opts.yes) {
        throw new UsageError(
          `deleting org ${name} removes its members, catalogue and policy; pass --yes to confirm`,
        );
      }
      const { client } = await connect();
      await client.deleteOrg(name);
      process.stdout.write(`Deleted org ${name}.\n`);
    });

  orgs
    .command('list')
    .description('list the orgs you belong to (all of them for a site admin)')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth orgs list')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listOrgs();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = list.map((o) => [
        o.name,
        formatCpu(o.limits.maxCpu),
        formatBytes(o.limits.maxMemory),
        formatBytes(o.limits.maxDisk),
        String(o.limits.maxGpus),
        formatAge(o.createdAt),
      ]);
      const headers = ['NAME', 'MAX CPU', 'MAX MEMORY', 'MAX DISK', 'MAX GPUS', 'CREATED'];
      process.stdout.write(`${renderTable(headers, rows)}\n`);
    });

  registerMemberCommands(orgs);
  registerLimitCommands(orgs);
  registerPolicyCommands(orgs);
}

function registerMemberCommands(orgs: Command): void {
  const members = orgs.command('members').description('manage who belongs to an org');

  members
    .command('add')
    .description('add a user to an org (site admins), or change a member’s role (org admins too)')
    .argument('<org>')
    .argument('<user>')
    .addOption(new Option('--role <role>', 'role in the org').choices(['admin', 'member']).default('member'))
    .addHelpText('after', '\nExample:\n  hearth orgs members add team bob --role admin')
    .action(async (org: string, user: string, opts: { role: 'admin' | 'member' }) => {
      const { client } = await connect();
      await client.putMember(org, user, { role: opts.role });
      process.stdout.write(`${user} is now ${opts.role === 'admin' ? 'an admin' : 'a member'} of ${org}.\n`);
    });

  members
    .command('remove')
    .description(
      'remove a user from an org: their workspaces stay, managed by its admins, but they can no longer build or enter them',
    )
    .argument('<org>')
    .argument('<user>')
    .addHelpText('after', '\nExample:\n  hearth orgs members remove team bob')
    .action(async (org: string, user: string) => {
      const { client } = await connect();
      await client.removeMember(org, user);
      process.stdout.write(`Removed ${user} from ${org}.\n`);
    });

  members
    .command('list')
    .description('list the members of an org')
    .argument('<org>')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth orgs members list team')
    .action(async (org: string, opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listMembers(org);
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = list.map((m) => [m.username, m.email, m.role, formatAge(m.addedAt)]);
      process.stdout.write(`${renderTable(['USERNAME', 'EMAIL', 'ROLE', 'ADDED'], rows)}\n`);
    });
}

interface LimitFlags {
  maxCpu?: string;
  maxMemory?: string;
  maxDisk?: string;
  maxGpus?: number;
  memberCpuQuota?: string;
  memberMemoryQuota?: string;
  pidsLimit?: number;
}

function registerLimitCommands(orgs: Command): void {
  const limits = orgs.command('limits').description("show or change an org's resource limits");

  limits
    .command('show')
    .description('show the largest workspace and the per-member quotas of an org')
    .argument('<org>')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth orgs limits show default')
    .action(async (org: string, opts: { output: string }) => {
      const { client } = await connect();
      const { limits } = await client.getOrgLimits(org);
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(limits)}\n`);
      process.stdout.write(`${limitsText(limits)}\n`);
    });

  limits
    .command('set')
    .description('change resource limits (org admin)')
    .argument('<org>')
    .option('--max-cpu <cores>', 'most CPU one workspace may request', parseCpu)
    .option('--max-memory <size>', 'most memory one workspace may request', parseSize)
    .option('--max-disk <size>', 'largest home volume', parseSize)
    .option('--max-gpus <n>', 'most GPUs one workspace may request', parseCount)
    .option('--member-cpu-quota <cores>', "total CPU of one member's running workspaces", parseCpu)
    .option('--member-memory-quota <size>', "total memory of one member's running workspaces", parseSize)
    .option(
      '--pids-limit <n>',
      'most processes and threads one workspace may run at once, 64 to 1048576 (default 4096; from the next build)',
      parseCount,
    )
    .addHelpText(
      'after',
      `\nSizes: ${SIZE_HELP}.\n\nExample:\n  hearth orgs limits set team --max-cpu 8 --max-memory 32GiB --member-cpu-quota 16`,
    )
    .action(async (org: string, opts: LimitFlags) => {
      const body: UpdateOrgLimitsRequest = {};
      for (const [key, value] of Object.entries(opts)) {
        if (value !== undefined) (body as Record<string, unknown>)[key] = value;
      }
      if (Object.keys(body).length === 0)
        throw new UsageError('nothing to change: pass at least one limit flag');
      const { client } = await connect();
      const { limits } = await client.updateOrgLimits(org, body);
      process.stdout.write(`Updated the limits of ${org}:\n${limitsText(limits)}\n`);
    });
}

function limitsText(l: Org['limits']): string {
  return [
    `Max CPU per workspace:     ${formatCpu(l.maxCpu)}`,
    `Max memory per workspace:  ${formatBytes(l.maxMemory)}`,
    `Max disk per workspace:    ${formatBytes(l.maxDisk)}`,
    `Max GPUs per workspace:    ${l.maxGpus}`,
    `CPU quota per member:      ${formatCpu(l.memberCpuQuota)}`,
    `Memory quota per member:   ${formatBytes(l.memberMemoryQuota)}`,
    `PID limit per workspace:   ${l.pidsLimit}`,
  ].join('\n');
}
