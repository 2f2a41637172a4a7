/** `hearth sshkeys …`: the SSH public keys that let you use plain `ssh` on a server's SSH port. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliError } from '../errors.js';
import { outputOption } from '../options.js';
import { formatAge, formatJson, renderTable } from '../output.js';
import { readPipedStdin } from '../stdin-text.js';

const ABOUT = `When the Hearth server listens for SSH (hearth server --ssh-listen ADDR:PORT), you can reach
your workspaces with plain ssh, scp, sftp and rsync, without the hearth CLI on the machine:

  ssh -p PORT api@SERVER           your workspace "api" (OWNER.api@SERVER names an owner)

The server recognizes you by your SSH key, so register its public half here first. A key belongs
to one Hearth user only. Removing a key also closes the connections it opened.
"hearth ssh" and "hearth config-ssh" need no keys: they go through your Hearth login.`;

/** Registers `sshkeys` on `program`. */
export function registerSshKeyCommands(program: Command): void {
  const sshkeys = program
    .command('sshkeys')
    .description('manage the SSH public keys you log in with on the server’s SSH port')
    .addHelpText(
      'after',
      `\n${ABOUT}\n\nExamples:\n  ssh-keygen -t ed25519            (if you have no key yet)\n  hearth sshkeys add ~/.ssh/id_ed25519.pub\n  hearth sshkeys list\n  ssh -p 2222 api@hearth.example.com`,
    );

  sshkeys
    .command('add')
    .description('register an SSH public key (a .pub file, or - for stdin)')
    .argument('<file>', 'the public key file, e.g. ~/.ssh/id_ed25519.pub; - reads it from stdin')
    .option('--name <name>', 'what to call it (default: the key’s comment, e.g. alice@laptop)')
    .addHelpText(
      'after',
      '\nGive the public key (the .pub file), never the private key: the command refuses to send one.\nAccepted: ed25519, ECDSA and RSA keys of 2048 bits or more.\n\nExamples:\n  hearth sshkeys add ~/.ssh/id_ed25519.pub\n  hearth sshkeys add ~/.ssh/id_ed25519.pub --name laptop\n  curl -s https://github.com/alice.keys | head -1 | hearth sshkeys add - --name github',
    )
    .action(async (file: string, opts: { name?: string }) => {
      const text =
        file === '-'
          ? await readPipedStdin('pipe the public key on stdin with "-", or give the .pub file instead')
          : await readKeyFile(file);
      // Checked here too, so a private key never travels to the server, not even to be refused.
      if (/PRIVATE KEY|PuTTY-User-Key-File/.test(text))
        throw new CliError(
          `${file === '-' ? 'stdin' : file} holds a private key, which must never leave your machine`,
          {
            hints: [
              `add its public half instead: hearth sshkeys add ${file === '-' ? 'KEY.pub' : `${file}.pub`}`,
            ],
          },
        );
      const { client } = await connect();
      const key = await client.addSshKey({ publicKey: text, ...(opts.name ? { name: opts.name } : {}) });
      process.stdout.write(`Added SSH key "${key.name}" (${key.type} ${key.fingerprint}).\n`);
      process.stderr.write(
        'Use it with: ssh -p PORT WORKSPACE@SERVER (the server must run with --ssh-listen).\n',
      );
    });

  sshkeys
    .command('list')
    .description('list your SSH keys: name, type, fingerprint, when added and last used')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nFingerprints are printed as `ssh-keygen -lf KEY.pub` prints them, to tell keys apart.\n\nExamples:\n  hearth sshkeys list\n  hearth sshkeys list -o json',
    )
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const keys = await client.listSshKeys();
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(keys)}\n`);
      if (keys.length === 0) {
        process.stdout.write('No SSH keys yet; add one with: hearth sshkeys add ~/.ssh/id_ed25519.pub\n');
        return;
      }
      const rows = keys.map((k) => [
        k.name,
        k.type,
        k.fingerprint,
        formatAge(k.createdAt),
        k.lastUsedAt ? formatAge(k.lastUsedAt) : 'never',
      ]);
      process.stdout.write(`${renderTable(['NAME', 'TYPE', 'FINGERPRINT', 'ADDED', 'LAST USED'], rows)}\n`);
    });

  sshkeys
    .command('rm')
    .description('remove an SSH key; connections it opened are closed')
    .argument('<key>', 'the key’s name or its SHA256:… fingerprint, as `hearth sshkeys list` shows them')
    .addHelpText(
      'after',
      '\nExamples:\n  hearth sshkeys rm laptop\n  hearth sshkeys rm SHA256:isSvdcFMcbafoPTjoGCM97FJmwIFc4qImcg6N+FbBn0',
    )
    .action(async (key: string) => {
      const { client } = await connect();
      await client.removeSshKey(key);
      process.stdout.write(`Removed SSH key ${key}; connections it opened are closed.\n`);
    });
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new CliError(`${file} does not exist`, {
        hints: ['make a key with `ssh-keygen -t ed25519`, then: hearth sshkeys add ~/.ssh/id_ed25519.pub'],
      });
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}
