/** `setup`, `login`, `logout`, `whoami`: getting a session and knowing who you are. */
import type { SessionResponse } from '@hearth/sdk';
import { HearthApiError } from '@hearth/sdk/errors';
import type { Command } from 'commander';
import { deleteSession, normalizeServerUrl, readSession, writeSession } from '../config.js';
import { anonymousClient, connect } from '../context.js';
import { UsageError } from '../errors.js';
import { outputOption } from '../options.js';
import { formatJson } from '../output.js';
import { getPassword, getPasswordChange } from '../password.js';

/** Registers the account commands on `program`. */
export function registerAuthCommands(program: Command): void {
  program
    .command('setup')
    .description('create the first user, the site admin, on a new server')
    .argument('<url>', 'server URL, e.g. http://127.0.0.1:7080')
    .requiredOption('--username <name>', 'your username')
    .requiredOption('--email <email>', 'your email address')
    .option('--password-stdin', 'read the password from stdin')
    .addHelpText(
      'after',
      '\nExample:\n  echo "$PW" | hearth setup http://127.0.0.1:7080 --username alice --email alice@example.com --password-stdin',
    )
    .action(async (rawUrl: string, opts: { username: string; email: string; passwordStdin?: boolean }) => {
      const url = normalizeServerUrl(rawUrl);
      const password = await getPassword(opts.passwordStdin === true, process.stdin, process.stderr);
      const session = await (await anonymousClient(url)).setup({
        username: opts.username,
        email: opts.email,
        password,
      });
      const path = await save(url, session);
      const org = session.user.orgs[0]?.name ?? 'default';
      process.stdout.write(
        [
          `Welcome to Hearth, ${session.user.username}. You are the site admin of org "${org}".`,
          `Your session is saved in ${path}.`,
          '',
          'Next steps:',
          `  hearth images add REPOSITORY:TAG --org ${org}     offer an image to the org`,
          '  hearth create NAME --image REPOSITORY:TAG --wait   create your first workspace',
          '  hearth users create USERNAME --email E --password-stdin   add a colleague',
          '',
        ].join('\n'),
      );
    });

  program
    .command('login')
    .description('log in to a Hearth server and save the session')
    .argument('<url>', 'server URL, e.g. http://127.0.0.1:7080')
    .option('--username <name>', 'your username')
    .option('--password-stdin', 'read the password from stdin')
    .option('--token <token>', 'store this API token instead of logging in with a password')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth login http://127.0.0.1:7080 --username alice\n  hearth login https://hearth.example.com --token "$HEARTH_API_TOKEN"',
    )
    .action(async (rawUrl: string, opts: { username?: string; passwordStdin?: boolean; token?: string }) => {
      const url = normalizeServerUrl(rawUrl);
      let session: Pick<SessionResponse, 'token' | 'user'>;
      if (opts.token) {
        // Check the token before storing it, and learn whose it is.
        session = { token: opts.token, user: await (await anonymousClient(url, opts.token)).me() };
      } else {
        if (!opts.username) throw new UsageError('--username is required unless you pass --token');
        const password = await getPassword(opts.passwordStdin === true, process.stdin, process.stderr);
        // Inside a workspace the saved session is the workspace's token. Sent along (to the same
        // server only), it lets the server rate-limit this workspace's attempts apart from others'.
        const saved = await readSession();
        const client = await anonymousClient(url, saved?.url === url ? saved.token : undefined);
        session = await client.login({ username: opts.username, password });
      }
      await save(url, session);
      process.stdout.write(`Logged in to ${url} as ${session.user.username}.\n`);
    });

  program
    .command('logout')
    .description('end the session on the server and forget it here')
    .addHelpText('after', '\nExample:\n  hearth logout')
    .action(async () => {
      const session = await readSession();
      if (!session && !process.env.HEARTH_TOKEN) {
        process.stdout.write('You are not logged in.\n');
        return;
      }
      try {
        const { client } = await connect();
        await client.logout();
      } catch (err) {
        // Forget the local session even when the server is gone or the session already expired.
        if (!(err instanceof HearthApiError)) throw err;
        process.stderr.write(`warning: the server did not end the session: ${err.message}\n`);
      }
      await deleteSession();
      process.stdout.write('Logged out.\n');
    });

  program
    .command('passwd')
    .description('change your password; your other login sessions are signed out')
    .option(
      '--password-stdin',
      'read two lines from stdin: the current password, then the new one (for scripts)',
    )
    .addHelpText(
      'after',
      `
On a terminal it asks for the current password and the new one twice, without echo. Passwords are
never taken from the command line, where the process list and shell history would keep them.
The new password needs at least 8 characters. This session stays signed in; every other
"hearth login" and dashboard sign-in of yours ends. API tokens (hearth tokens) stay valid.

Examples:
  hearth passwd
  printf '%s\\n%s\\n' "$CURRENT" "$NEW" | hearth passwd --password-stdin`,
    )
    .action(async (opts: { passwordStdin?: boolean }) => {
      const change = await getPasswordChange(opts.passwordStdin === true, process.stdin, process.stderr);
      const { client, target } = await connect();
      await client.changePassword(change);
      process.stdout.write(
        `Changed the password of ${target.username ?? 'your account'} on ${target.url}. Your other login sessions are signed out.\n`,
      );
    });

  program
    .command('whoami')
    .description('show the user you are logged in as')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  hearth whoami\n  hearth whoami -o json')
    .action(async (opts: { output: string }) => {
      const { client, target } = await connect();
      const me = await client.me();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(me)}\n`);
      const orgs = me.orgs.map((o) => `${o.name} (${o.role})`).join(', ') || 'none';
      process.stdout.write(
        [
          `${me.username} <${me.email}> on ${target.url}`,
          `site admin: ${me.siteAdmin ? 'yes' : 'no'}`,
          `orgs:       ${orgs}`,
          ...workspaceTokenNote(target.url),
          '',
        ].join('\n'),
      );
    });
}

/**
 * Inside a workspace, the saved session is the workspace's own token (on the server's unix socket):
 * say what it may do, so that "site admin: yes" is not read as rights it does not carry.
 */
function workspaceTokenNote(url: string): string[] {
  const workspace = process.env.HEARTH_WORKSPACE;
  if (!workspace || !url.startsWith('unix://')) return [];
  return [
    `credential: the token of workspace ${workspace}, which may only read, keep alive, rebuild or stop it`,
    '            (no admin rights); "hearth login" with your password for anything else',
  ];
}

async function save(url: string, session: Pick<SessionResponse, 'token' | 'user'>): Promise<string> {
  return writeSession({ url, token: session.token, username: session.user.username });
}
