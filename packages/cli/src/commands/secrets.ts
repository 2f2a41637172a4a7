/** `hearth secrets …` and `hearth gitssh …`: what the secrets stage injects into every build. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { connect } from '../context.js';
import { UsageError } from '../errors.js';
import { outputOption } from '../options.js';
import { formatAge, formatJson, renderTable } from '../output.js';
import { readPipedStdin, utf8Text } from '../stdin-text.js';

const SECRETS_ABOUT = `Secrets are encrypted at rest and written into each workspace at every build, on a tmpfs
readable only by the workspace user (gone when the workspace stops): as environment variables of
hook and exec sessions, or with --file as files in $HEARTH_SECRETS_DIR (/run/hearth/user/secrets).
A secret value that a hook prints shows as *** in the build log.`;

/** Registers `secrets` and `gitssh` on `program`. */
export function registerSecretCommands(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('manage secrets injected into your workspaces')
    .addHelpText(
      'after',
      `\n${SECRETS_ABOUT}\n\nExamples:\n  printf %s "$NPM_TOKEN" | hearth secrets set NPM_TOKEN\n  hearth secrets set KUBECONFIG --from-file ~/.kube/config --file\n  hearth secrets list`,
    );

  secrets
    .command('set')
    .description('create or replace a secret; the value comes from stdin (or --from-file), never from argv')
    .argument('<name>', 'a variable name: letters, digits and _, e.g. NPM_TOKEN')
    .option(
      '--from-file <path>',
      'read the value from this file instead of stdin (UTF-8 text; base64-encode binary data)',
    )
    .option('--file', 'expose it as the file $HEARTH_SECRETS_DIR/NAME instead of an environment variable')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth secrets set NPM_TOKEN < token.txt\n  hearth secrets set ID_RSA --from-file ~/.ssh/deploy_key --file',
    )
    .action(async (name: string, opts: { fromFile?: string; file?: boolean }) => {
      const value = opts.fromFile
        ? utf8Text(await readFile(opts.fromFile), opts.fromFile)
        : await readPipedStdin('pipe the secret value on stdin, or pass --from-file PATH');
      // A value piped with `echo` ends in a newline nobody means to keep in a variable.
      const cleaned = opts.fromFile || opts.file ? value : value.replace(/\r?\n$/, '');
      // `printf %s "$NPM_TOKEN" |` with the variable unset pipes nothing: saving "" would hide that.
      if (!opts.fromFile && cleaned === '')
        throw new UsageError('the secret value read from stdin is empty; nothing was saved', [
          'is the variable you piped set? `hearth secrets rm NAME` removes a secret',
        ]);
      const { client } = await connect();
      const set = await client.setSecret(name, { value: cleaned, ...(opts.file ? { file: true } : {}) });
      process.stdout.write(
        `Secret ${set.name} saved (${set.file ? 'as a file' : 'as an environment variable'}); rebuild a workspace to apply it.\n`,
      );
    });

  secrets
    .command('list')
    .description('list your secrets (names only, never values)')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth secrets list')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listSecrets();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(list)}\n`);
      const rows = list.map((s) => [s.name, s.file ? 'file' : 'env', formatAge(s.updatedAt)]);
      process.stdout.write(`${renderTable(['NAME', 'AS', 'UPDATED'], rows)}\n`);
    });

  secrets
    .command('rm')
    .description('remove a secret (workspaces lose it at their next build)')
    .argument('<name>', 'the secret')
    .addHelpText('after', '\nExample:\n  hearth secrets rm NPM_TOKEN')
    .action(async (name: string) => {
      const { client } = await connect();
      await client.removeSecret(name);
      process.stdout.write(`Secret ${name} removed.\n`);
    });

  const gitssh = program
    .command('gitssh')
    .description('your git SSH key, injected into every workspace so git@… URLs work')
    .addHelpText(
      'after',
      '\nThe private key never leaves the server except into your workspaces’ tmpfs; git uses it\nthrough GIT_SSH_COMMAND. Add the public key to your git host.\n\nExamples:\n  hearth gitssh show\n  hearth gitssh regenerate',
    );

  gitssh
    .command('show')
    .description('print your public key (created on first use)')
    .addOption(outputOption())
    .addHelpText('after', '\nExample:\n  hearth gitssh show >> authorized_keys')
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const key = await client.gitSshKey();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(key)}\n`);
      process.stdout.write(`${key.publicKey}\n`);
    });

  gitssh
    .command('regenerate')
    .description('replace your key pair; update your git host with the new public key')
    .addHelpText('after', '\nExample:\n  hearth gitssh regenerate')
    .action(async () => {
      const { client } = await connect();
      const key = await client.regenerateGitSshKey();
      process.stdout.write(`${key.publicKey}\n`);
      process.stderr.write('New key pair created; workspaces get it at their next build.\n');
    });
}
