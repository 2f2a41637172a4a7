/** `hearth users …`: site admins manage accounts. */
import type { Command } from 'commander';
import { connect } from '../context.js';
import { outputOption } from '../options.js';
import { formatAge, formatJson, renderTable } from '../output.js';
import { getPassword } from '../password.js';

/** Registers `users` and its subcommands on `program`. */
export function registerUserCommands(program: Command): void {
  const users = program
    .command('users')
    .description('manage user accounts (site admin)')
    .addHelpText('after', '\nExamples:\n  hearth users list\n  hearth users suspend bob');

  users
    .command('create')
    .description('create a user and add them to an org')
    .argument('<username>', 'login name, also their default workspace owner name')
    .requiredOption('--email <email>', 'email address')
    .option('--password-stdin', 'read the initial password from stdin')
    .option('--site-admin', 'make the user a site admin')
    .option('--org <org>', 'org to add the user to as a member (default: "default")')
    .addHelpText(
      'after',
      '\nExample:\n  echo "$PW" | hearth users create bob --email bob@example.com --password-stdin --org team',
    )
    .action(
      async (
        username: string,
        opts: { email: string; passwordStdin?: boolean; siteAdmin?: boolean; org?: string },
      ) => {
        const { client } = await connect();
        const password = await getPassword(opts.passwordStdin === true, process.stdin, process.stderr);
        const user = await client.createUser({
          username,
          email: opts.email,
          password,
          ...(opts.siteAdmin ? { siteAdmin: true } : {}),
          ...(opts.org ? { org: opts.org } : {}),
        });
        const orgs = user.orgs.map((o) => `${o.name} (${o.role})`).join(', ');
        process.stdout.write(`Created user ${user.username}${orgs ? ` in ${orgs}` : ''}.\n`);
      },
    );

  users
    .command('list')
    .description('list all users')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  hearth users list\n  hearth users list -o json')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listUsers();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = list.map((u) => [
        u.username,
        u.email,
        u.siteAdmin ? 'yes' : 'no',
        u.suspended ? 'suspended' : 'active',
        u.orgs.map((o) => (o.role === 'admin' ? `${o.name}(admin)` : o.name)).join(',') || '-',
        formatAge(u.createdAt),
      ]);
      process.stdout.write(
        `${renderTable(['USERNAME', 'EMAIL', 'SITE ADMIN', 'STATUS', 'ORGS', 'CREATED'], rows)}\n`,
      );
    });

  users
    .command('suspend')
    .description('suspend a user: they can no longer log in or use tokens')
    .argument('<username>')
    .addHelpText('after', '\nExample:\n  hearth users suspend bob')
    .action(async (username: string) => {
      const { client } = await connect();
      await client.suspendUser(username);
      process.stdout.write(`Suspended ${username}.\n`);
    });

  users
    .command('activate')
    .description('let a suspended user in again')
    .argument('<username>')
    .addHelpText('after', '\nExample:\n  hearth users activate bob')
    .action(async (username: string) => {
      const { client } = await connect();
      await client.activateUser(username);
      process.stdout.write(`Activated ${username}.\n`);
    });
}
