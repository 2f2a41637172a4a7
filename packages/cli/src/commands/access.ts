/**
 * Access commands: `hearth ssh` (a shell or a command over SSH, or `--stdio` to relay OpenSSH's
 * connection) and `hearth config-ssh` (Host entries so plain ssh, scp, sftp and rsync work).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { HearthClient } from '@hearth/sdk';
import { HearthApiError } from '@hearth/sdk/errors';
import type { Command } from 'commander';
import { configDir } from '../config.js';
import { connect } from '../context.js';
import { CliError, withWorkspaceHints } from '../errors.js';
import { BUILD_SETTLED } from '../progress.js';
import { remoteCommand, shellQuote } from '../shell-words.js';
import { hostAlias, mergeBlock, renderBlock, tryCommand } from '../ssh-config.js';
import { waitForWorkspace } from '../wait.js';
import { parseWorkspaceRef, type WorkspaceRef } from '../workspace-ref.js';

/**
 * The script this CLI runs as (node's first argument): the bundle's launcher, as `bin/hearth` runs
 * it, or the unbundled entry; either serves `ssh --stdio`.
 */
const cliScript = (): string => process.argv[1] ?? '';

/** Registers `ssh` and `config-ssh` on `program`. */
export function registerAccessCommands(program: Command): void {
  program
    .command('ssh')
    .description('open a shell, or run a command, in a workspace over SSH')
    .argument('<name>', 'workspace: NAME (only the owner may connect)')
    .argument(
      '[cmd...]',
      'after --: one argument is a command line for the user’s shell; several are passed as they are, like exec',
    )
    .option(
      '--start',
      'if the workspace is stopped or failed, start it (a rebuild) first and follow the build',
    )
    .option('-t, --tty', 'allocate a terminal for a command too (a shell gets one when stdin is a terminal)')
    .option(
      '--stdio',
      'relay one SSH connection on stdin/stdout: the ProxyCommand `hearth config-ssh` writes',
    )
    // As for exec: `hearth ssh api ls -la` reads -la as an option of hearth's.
    .showHelpAfterError(
      'hint: put -- before the command, so its options are not read as hearth’s: hearth ssh NAME -- ls -la',
    )
    .addHelpText(
      'after',
      "\nThe session runs as the workspace user in the home directory, through the Hearth server: no SSH\nkeys and no network route to the workspace are needed. Stdin, stdout, stderr and the exit code pass\nthrough; a shell’s terminal follows your window size.\n\nExamples:\n  hearth ssh api\n  hearth ssh api -- make test\n  hearth ssh api -- sh -c 'echo out'       (arguments keep their boundaries, like hearth exec)\n  hearth ssh api -- 'make && make test'    (one argument: a command line for the remote shell)\n  hearth ssh api --start\n  tar c src | hearth ssh api -- tar x\n\nFor plain ssh, scp, sftp, rsync and port forwards, run `hearth config-ssh`, then:\n  ssh hearth.api\n  ssh -L 8080:localhost:3000 hearth.api",
    )
    .action(
      async (nameArg: string, cmd: string[], opts: { start?: boolean; tty?: boolean; stdio?: boolean }) => {
        const ref = parseWorkspaceRef(nameArg);
        const { client } = await connect();
        const tunnel = await openTunnel(client, ref, nameArg, opts.start === true);
        if (opts.stdio) {
          const { relay } = await import('../stdio.js');
          await relay(tunnel);
          return;
        }
        // Loaded only here: ssh2 costs `--stdio` (every OpenSSH connection) time to first byte.
        const { runSsh } = await import('../ssh-client.js');
        const { hostKey } = await client.sshHostKey();
        const command = remoteCommand(cmd);
        const tty = opts.tty === true || (command === undefined && process.stdin.isTTY === true);
        process.exitCode = await runSsh(tunnel, { command, tty, hostKey });
      },
    );

  program
    .command('config-ssh')
    .description('write Host entries hearth.NAME for your workspaces into ~/.ssh/config')
    .option(
      '--ssh-config <file>',
      'the OpenSSH client configuration to update',
      join(homedir(), '.ssh', 'config'),
    )
    .addHelpText(
      'after',
      '\nEntries live between BEGIN HEARTH and END HEARTH markers; everything else in the file is kept, and\nrerunning replaces only that block (run it again after creating a workspace). The server’s host key\nis pinned in the Hearth config directory’s known_hosts, so there is no prompt.\n\nExamples:\n  hearth config-ssh\n  ssh hearth.api\n  scp notes.txt hearth.api:\n  rsync -a src/ hearth.api:src/         (rsync must be in the workspace image too)\n  ssh -L 8080:localhost:3000 hearth.api',
    )
    .option(
      '--no-fdpass',
      'relay every byte through `hearth ssh --stdio` instead of handing the connection to ssh (ProxyUseFdpass; plain http:// servers only)',
    )
    .action(async (opts: { sshConfig: string; fdpass: boolean }) => {
      const { client, target } = await connect();
      const [workspaces, { hostKey }] = await Promise.all([client.listWorkspaces(), client.sshHostKey()]);
      const server = new URL(target.url);
      const alias = `hearth-server-${server.hostname}-${server.port || (server.protocol === 'https:' ? 443 : 80)}`;
      const knownHosts = join(configDir(), 'known_hosts');
      await writeKnownHost(knownHosts, alias, hostKey);
      const names = workspaces.map((w) => w.name).sort();
      // Over https the bytes must pass through TLS in the relay; over http ssh can take the socket.
      const passConnection = opts.fdpass && server.protocol === 'http:';
      const block = renderBlock({
        workspaces: names,
        proxyCommand: `${proxyEnv(server.protocol === 'http:', passConnection)}${shellQuote(process.execPath)} ${shellQuote(cliScript())} ssh --stdio`,
        knownHostsFile: knownHosts,
        hostKeyAlias: alias,
        passConnection,
      });
      const before = await readFile(opts.sshConfig, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      const after = mergeBlock(before, block);
      if (after !== before) await writePrivate(opts.sshConfig, after);
      const hosts = names.map(hostAlias).join(', ') || 'none yet (create a workspace, then run this again)';
      process.stdout.write(
        `${after === before ? 'Unchanged' : 'Updated'} ${opts.sshConfig}: ${hosts}.\n` +
          (names[0] ? `Try: ${tryCommand(hostAlias(names[0]), opts.sshConfig, sshReads())}\n` : ''),
      );
    });
}

/** The client configuration OpenSSH reads by itself: in the account's home, whatever `$HOME` says. */
function sshReads(): string {
  return join(userInfo().homedir, '.ssh', 'config');
}

/**
 * The tunnel to a running workspace. A stopped one is started first with `start` (following the
 * build on stderr), else the error names `--start`.
 */
async function openTunnel(
  client: HearthClient,
  ref: WorkspaceRef,
  nameArg: string,
  start: boolean,
): Promise<Duplex> {
  try {
    return await client.openSshTunnel(ref.owner, ref.name);
  } catch (err) {
    const startable = err instanceof HearthApiError && err.code === 'workspace_stopped';
    const pending = err instanceof HearthApiError && err.code === 'workspace_not_running';
    if (!startable && !pending) return withWorkspaceHints(nameArg, () => Promise.reject(err));
    if (!start) {
      throw new CliError((err as Error).message.replace(/;.*$/, ''), {
        hints: [
          `connect with \`hearth ssh ${nameArg} --start\` to start it first, or run \`hearth start ${nameArg} --wait\``,
        ],
      });
    }
  }
  // Stopped or failed: start it. Otherwise a build is already on its way: follow that one.
  let current = await withWorkspaceHints(nameArg, () => client.getWorkspace(ref.owner, ref.name));
  if (current.state === 'stopped' || current.state === 'failed')
    current = await withWorkspaceHints(nameArg, () => client.start(ref.owner, ref.name));
  const number = current.lastBuild?.number;
  const ws = await withWorkspaceHints(nameArg, () =>
    waitForWorkspace(client, ref, { until: BUILD_SETTLED, build: number }, process.stderr),
  );
  if (ws.state !== 'running')
    throw new CliError(`workspace ${nameArg} is ${ws.state}; see \`hearth show ${nameArg}\``);
  return withWorkspaceHints(nameArg, () => client.openSshTunnel(ref.owner, ref.name));
}

/** Replaces (or adds) the line for `alias` in a known_hosts file. */
async function writeKnownHost(file: string, alias: string, hostKey: string): Promise<void> {
  const old = await readFile(file, 'utf8').catch(() => '');
  const lines = old.split('\n').filter((l) => l !== '' && l.split(' ')[0] !== alias);
  lines.push(`${alias} ${hostKey}`);
  await writePrivate(file, `${lines.join('\n')}\n`);
}

/** Writes atomically, mode 0600, in a 0700 directory it creates when missing. */
async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/**
 * The ProxyCommand's environment. The config directory is written in (the default one too, as the
 * known_hosts path is): the relay must use the session whose server's host key this run pinned,
 * whatever HOME or HEARTH_CONFIG_DIR the shell that later runs ssh has. NODE_CHANNEL_FD=1 makes the socket OpenSSH gives a ProxyUseFdpass
 * command node's IPC channel, to pass the connection back on (ssh-fdpass.ts). To a server on plain
 * http the relay speaks no TLS, so NODE_EXTRA_CA_CERTS is unset: node reads and parses that file
 * before it runs any code, ~40 ms of CPU for Debian's bundle, on every OpenSSH connection.
 */
function proxyEnv(plainHttp: boolean, passConnection: boolean): string {
  const vars = [
    ...(plainHttp ? ['-u NODE_EXTRA_CA_CERTS'] : []),
    ...(passConnection ? ['NODE_CHANNEL_FD=1'] : []),
    `HEARTH_CONFIG_DIR=${shellQuote(resolve(configDir()))}`,
  ];
  return `env ${vars.join(' ')} `;
}
