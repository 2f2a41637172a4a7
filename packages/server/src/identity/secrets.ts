/**
 * Each user's secrets and git SSH key (sealed at rest), and the API tokens injected into
 * workspaces: one live token per workspace, revoked when the next build issues another, and on
 * stop and delete.
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';
import type { GitSshKey, SecretInfo } from '@hearth/sdk';
import { openSshPrivateKey, openSshPublicKey } from '../core/openssh.js';
import { type InjectedSecret, MAX_SECRET_BYTES, secretNameProblem } from '../core/secrets.js';
import { HearthError, invalidInput } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import * as secrets from '../store/repositories/secrets.repository.js';
import * as tokens from '../store/repositories/tokens.repository.js';
import { inTransaction } from '../store/transaction.js';
import type { Actor } from './actor.js';
import { type RevocationSink, revokeWorkspaceTokens } from './revocations.js';
import type { SecretBox } from './secret-box.js';
import { newTokenSecret } from './token-secret.js';
import { tokenRow } from './token-service.js';

/** Workspace tokens outlive no build: revoked at the next build, stop or delete; this only bounds a lost one. */
const WORKSPACE_TOKEN_MS = 30 * 864e5;

export class SecretsService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #box: SecretBox;

  readonly #revocations: RevocationSink;

  constructor(deps: { db: Database; clock: Clock; box: SecretBox; revocations: RevocationSink }) {
    this.#db = deps.db;
    this.#revocations = deps.revocations;
    this.#clock = deps.clock;
    this.#box = deps.box;
  }

  async list(actor: Actor): Promise<SecretInfo[]> {
    return (await secrets.listSecrets(this.#db, actor.id)).map((r) => ({
      name: r.name,
      file: r.as_file === 1,
      updatedAt: r.updated_at,
    }));
  }

  /** Creates or replaces a secret; workspaces get it at their next build. */
  async set(actor: Actor, name: string, input: { value: string; file?: boolean }): Promise<SecretInfo> {
    const problem = secretNameProblem(name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    if (Buffer.byteLength(input.value) > MAX_SECRET_BYTES)
      throw invalidInput(`a secret may hold at most ${MAX_SECRET_BYTES / 1024} KiB`, { field: 'value' });
    if (!input.file && input.value.includes('\0'))
      throw invalidInput('an environment secret cannot hold NUL bytes; store it with --file', {
        field: 'value',
      });
    const updatedAt = this.#now();
    await secrets.upsertSecret(this.#db, {
      user_id: actor.id,
      name,
      value_sealed: this.#box.seal(input.value),
      as_file: input.file ? 1 : 0,
      updated_at: updatedAt,
    });
    return { name, file: input.file === true, updatedAt };
  }

  async remove(actor: Actor, name: string): Promise<void> {
    if (!(await secrets.deleteSecret(this.#db, actor.id, name)))
      throw new HearthError(
        'secret_not_found',
        `you have no secret named ${name}; see "hearth secrets list"`,
      );
  }

  /** The caller's git SSH public key, generating the pair on first use. */
  async gitKey(actor: Actor): Promise<GitSshKey> {
    const row =
      (await secrets.findGitKey(this.#db, actor.id)) ?? (await this.#newGitKey(actor.id, actor.username));
    return { publicKey: row.public_key, createdAt: row.created_at };
  }

  /** Replaces the caller's key pair; workspaces get the new private key at their next build. */
  async regenerateGitKey(actor: Actor): Promise<GitSshKey> {
    const row = await this.#newGitKey(actor.id, actor.username);
    return { publicKey: row.public_key, createdAt: row.created_at };
  }

  /** What the secrets stage injects for `owner`: the git private key and every secret, opened. */
  async forBuild(owner: { id: string; username: string }): Promise<{
    gitPrivateKey: string;
    secrets: InjectedSecret[];
  }> {
    const key =
      (await secrets.findGitKey(this.#db, owner.id)) ?? (await this.#newGitKey(owner.id, owner.username));
    const rows = await secrets.listSecrets(this.#db, owner.id);
    return {
      gitPrivateKey: this.#box.open(key.private_key_sealed),
      secrets: rows.map((r) => ({
        name: r.name,
        value: this.#box.open(r.value_sealed),
        file: r.as_file === 1,
      })),
    };
  }

  /** A new token for the workspace's owner tied to the workspace; the workspace's previous ones are revoked. */
  async issueWorkspaceToken(ws: { id: string; name: string; owner_id: string }): Promise<string> {
    const { secret, hash } = newTokenSecret();
    const now = this.#clock.now();
    const revoked = await inTransaction(this.#db, async (tx) => {
      const previous = await tokens.revokeWorkspaceTokens(tx, ws.id, now.toISOString());
      const who = {
        userId: ws.owner_id,
        kind: 'workspace',
        name: `workspace ${ws.name}`,
        hash,
        workspaceId: ws.id,
      } as const;
      await tokens.insertToken(tx, tokenRow(who, now, WORKSPACE_TOKEN_MS));
      return previous;
    });
    // What the previous tokens opened (an SSH session, a watch) ends with them.
    for (const tokenId of revoked) this.#revocations.revoked({ kind: 'token', tokenId });
    return secret;
  }

  /** Revokes the workspace's injected tokens (stop, delete). */
  async revokeWorkspaceTokens(workspaceId: string): Promise<void> {
    await revokeWorkspaceTokens(this.#db, this.#revocations, workspaceId, this.#now());
  }

  async #newGitKey(userId: string, username: string) {
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const seed = Buffer.from(jwk.d!, 'base64url');
    const pub = Buffer.from(jwk.x!, 'base64url');
    const comment = `hearth:${username}`;
    const row = {
      user_id: userId,
      public_key: openSshPublicKey(pub, comment),
      private_key_sealed: this.#box.seal(openSshPrivateKey(seed, pub, comment, randomInt(2 ** 32))),
      created_at: this.#now(),
    };
    await secrets.upsertGitKey(this.#db, row);
    return row;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}
