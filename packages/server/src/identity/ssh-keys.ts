/**
 * Users' SSH public keys: added, listed and removed by their owner, and looked up by the SSH
 * gateway's listener to learn who holds a key. Removing a key is announced as a revocation, so
 * connections it opened end too.
 */
import type { SshKey } from '@hearth/sdk';
import ssh2, { type ParsedKey } from 'ssh2';
import {
  defaultKeyName,
  keyTypeProblem,
  publicKeyLine,
  publicKeyTextProblem,
  sshFingerprint,
  sshKeyNameProblem,
} from '../core/ssh-keys.js';
import { HearthError, invalidInput } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Database } from '../store/database.js';
import * as keys from '../store/repositories/ssh-keys.repository.js';
import type { SshKeyRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { Actor, Principal } from './actor.js';
import type { RevocationSink } from './revocations.js';

/** A registered key offered at an SSH login, with the (active) user it belongs to. */
export interface SshKeyLogin {
  readonly keyId: string;
  readonly principal: Principal;
  /** The registered public key, to verify the login's signature with. */
  readonly key: ParsedKey;
}

export class SshKeyService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #revocations: RevocationSink;

  constructor(deps: { db: Database; clock: Clock; revocations: RevocationSink }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#revocations = deps.revocations;
  }

  async list(actor: Actor): Promise<SshKey[]> {
    return (await keys.listSshKeys(this.#db, actor.id)).map(keyView);
  }

  /** Registers one OpenSSH public key line for the caller. */
  async add(actor: Actor, input: { publicKey: string; name?: string | undefined }): Promise<SshKey> {
    const key = parsePublicKey(input.publicKey);
    const blob = key.getPublicSSH();
    const fingerprint = sshFingerprint(blob);
    const name = input.name ?? defaultKeyName(key.comment, key.type);
    const nameProblem = sshKeyNameProblem(name);
    if (nameProblem) throw invalidInput(nameProblem, { field: 'name' });
    const row: SshKeyRow = {
      id: newId(),
      user_id: actor.id,
      name,
      key_type: key.type,
      public_key: blob.toString('base64'),
      fingerprint,
      created_at: this.#clock.now().toISOString(),
      last_used_at: null,
    };
    await inTransaction(this.#db, async (tx) => {
      // One answer whether the key is the caller's or someone else's: nobody learns whose it is.
      if (await keys.findSshKeyByFingerprint(tx, fingerprint))
        throw new HearthError(
          'ssh_key_exists',
          `this key (${fingerprint}) is already registered, and a key can belong to one Hearth user only: if you added it, "hearth sshkeys list" shows it; otherwise make a key of your own with ssh-keygen -t ed25519`,
        );
      if ((await keys.listSshKeys(tx, actor.id)).some((k) => k.name === name))
        throw new HearthError(
          'ssh_key_exists',
          `you already have an SSH key named "${name}": choose another name (hearth sshkeys add --name NAME), or remove the old key first (hearth sshkeys rm ${name})`,
          { field: 'name' },
        );
      await keys.insertSshKey(tx, row);
    });
    return keyView(row);
  }

  /** Removes the caller's key named by id, name or fingerprint, ending the connections it opened. */
  async remove(actor: Actor, ref: string): Promise<void> {
    const row = await keys.findUserSshKey(this.#db, actor.id, ref);
    if (!row)
      throw new HearthError(
        'ssh_key_not_found',
        `you have no SSH key "${ref}" (give its name or SHA256 fingerprint); see "hearth sshkeys list"`,
      );
    await keys.deleteSshKey(this.#db, actor.id, row.id);
    this.#revocations.revoked({
      kind: 'ssh_key',
      keyId: row.id,
      name: row.name,
      fingerprint: row.fingerprint,
    });
  }

  /** The registered key whose wire-format blob is `blob`, when its user may log in; else undefined. */
  async forLogin(blob: Buffer): Promise<SshKeyLogin | undefined> {
    const row = await keys.findSshKeyLogin(this.#db, sshFingerprint(blob));
    if (!row || row.suspended_at !== null || !Buffer.from(row.public_key, 'base64').equals(blob))
      return undefined;
    const parsed = ssh2.utils.parseKey(`${row.key_type} ${row.public_key}`);
    if (parsed instanceof Error) return undefined;
    return {
      keyId: row.id,
      principal: { id: row.user_id, username: row.username, siteAdmin: row.site_admin === 1 },
      key: Array.isArray(parsed) ? parsed[0]! : parsed,
    };
  }

  /** Records a successful login with the key (`lastUsedAt`). */
  async recordLogin(keyId: string): Promise<void> {
    await keys.touchSshKey(this.#db, keyId, this.#clock.now().toISOString());
  }
}

/** The one public key in `text`, or an `invalid_input` error that says what to give instead. */
function parsePublicKey(text: string): ParsedKey {
  const refuse = (problem: string) => invalidInput(problem, { field: 'publicKey' });
  const problem = publicKeyTextProblem(text);
  if (problem) throw refuse(problem);
  const parsed = ssh2.utils.parseKey(publicKeyLine(text));
  if (parsed instanceof Error)
    throw refuse(
      `not an OpenSSH public key (${parsed.message.toLowerCase()}): give one line like "ssh-ed25519 AAAA… you@host", the contents of a .pub file such as ~/.ssh/id_ed25519.pub`,
    );
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  if (key.isPrivateKey()) throw refuse(publicKeyTextProblem('PRIVATE KEY')!);
  const typeProblem = keyTypeProblem(key.type, key.getPublicSSH());
  if (typeProblem) throw refuse(typeProblem);
  return key;
}

function keyView(row: SshKeyRow): SshKey {
  return {
    id: row.id,
    name: row.name,
    type: row.key_type,
    fingerprint: row.fingerprint,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
