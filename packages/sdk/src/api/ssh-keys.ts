import { type Static, Type } from '@sinclair/typebox';
import { Timestamp } from './common.js';

/**
 * One of the caller's SSH public keys. With them a user reaches their workspaces with plain
 * `ssh -p PORT NAME@HOST` when the server listens for SSH (`--ssh-listen`). A key belongs to one
 * user of the installation: the key alone says who connects.
 */
export const SshKey = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'Unique among the user’s keys; by default the key’s comment.' }),
  type: Type.String({ description: 'The key type: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`…' }),
  fingerprint: Type.String({ description: '`SHA256:…`, as `ssh-keygen -l` prints it.' }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'The last SSH login with this key.' }),
});
export type SshKey = Static<typeof SshKey>;

export const AddSshKeyRequest = Type.Object({
  publicKey: Type.String({
    maxLength: 16384,
    description:
      'One OpenSSH public key line, as in ~/.ssh/id_ed25519.pub: `ssh-ed25519 AAAA… comment`. Never a private key.',
  }),
  name: Type.Optional(
    Type.String({ maxLength: 64, description: 'Default: the key’s comment, else its type.' }),
  ),
});
export type AddSshKeyRequest = Static<typeof AddSshKeyRequest>;
