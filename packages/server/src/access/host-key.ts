/**
 * The SSH gateway's host key: generated once, at first start, in the data directory, so the
 * known_hosts line `hearth config-ssh` writes stays valid across restarts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface HostKey {
  /** The private key in OpenSSH format, as ssh2's server takes it. */
  readonly privateKey: string;
  /** The public key as a known_hosts / authorized_keys value: `ssh-ed25519 AAAA…`. */
  readonly publicKey: string;
}

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

/** The most keys {@link newHostKey} generates before it gives up. */
const GENERATE_TRIES = 20;

/**
 * A new ed25519 private key in OpenSSH format that ssh2 reads back. About one key in 200 that
 * ssh2's generator writes is refused by its own parser ("Malformed OpenSSH private key"), which
 * made a fresh server fail to start; such a key is thrown away and another one made.
 */
export function newHostKey(): string {
  for (let i = 0; i < GENERATE_TRIES; i++) {
    const { private: key } = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
  throw new Error(`could not generate an SSH host key ssh2 can read (${GENERATE_TRIES} tries)`);
}

/** Reads the host key from `dataDir`, creating it (mode 0600) when there is none. */
export function loadOrCreateHostKey(dataDir: string): HostKey {
  const file = join(dataDir, HOST_KEY_FILE);
  let privateKey: string;
  try {
    privateKey = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    privateKey = newHostKey();
    // 'wx': two servers starting on one data dir must not overwrite each other's key.
    writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
  }
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`ssh host key ${file}: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  return { privateKey, publicKey: `${key.type} ${key.getPublicSSH().toString('base64')}` };
}
