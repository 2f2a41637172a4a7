/** `hearth tokens …`: API tokens for scripts and CI. */
import type { Command } from 'commander';
import { connect } from '../context.js';
import { outputOption } from '../options.js';
import { formatAge, formatJson, renderTable } from '../output.js';

/** Registers `tokens` and its subcommands on `program`. */
export function registerTokenCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('manage your API tokens')
    .addHelpText('after', '\nExamples:\n  hearth tokens create ci --lifetime 90d\n  hearth tokens list');

  tokens
    .command('create')
    .description('create an API token; it is printed once')
    .argument('<name>', 'a name to recognize it by')
    .option('--lifetime <duration>', 'how long it is valid: 30d, 12h, 90m (at most 365d)')
    .addHelpText('after', '\nExample:\n  HEARTH_TOKEN=$(hearth tokens create ci --lifetime 90d)')
    .action(async (name: string, opts: { lifetime?: string }) => {
      const { client } = await connect();
      const created = await client.createToken({
        name,
        ...(opts.lifetime ? { lifetime: opts.lifetime } : {}),
      });
      // Only the token goes to stdout, so `$(hearth tokens create …)` captures exactly it.
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(
        `Token "${created.name}" (id ${created.id}) expires ${created.expiresAt}.\n` +
          'This is the only time it is shown: store it somewhere safe now.\n',
      );
    });

  tokens
    .command('list')
    .description('list your API tokens (never their secrets)')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth tokens list')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listTokens();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = list.map((t) => [
        t.id,
        t.name,
        formatAge(t.createdAt),
        t.expiresAt,
        t.lastUsedAt ? formatAge(t.lastUsedAt) : 'never',
      ]);
      process.stdout.write(`${renderTable(['ID', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED'], rows)}\n`);
    });

  tokens
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>', 'the id shown by `hearth tokens list`')
    .addHelpText('after', '\nExample:\n  hearth tokens revoke 3f2a…')
    .action(async (id: string) => {
      const { client } = await connect();
      await client.revokeToken(id);
      process.stdout.write(`Revoked token ${id}.\n`);
    });
}
