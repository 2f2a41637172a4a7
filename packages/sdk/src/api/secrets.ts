import { type Static, Type } from '@sinclair/typebox';
import { Timestamp } from './common.js';

/** A secret as listed: never its value. */
export const SecretInfo = Type.Object({
  name: Type.String(),
  /** A file in `$HEARTH_SECRETS_DIR` rather than an environment variable. */
  file: Type.Boolean(),
  updatedAt: Timestamp,
});
export type SecretInfo = Static<typeof SecretInfo>;

export const SetSecretRequest = Type.Object({
  value: Type.String({ maxLength: 65536 }),
  file: Type.Optional(Type.Boolean()),
});
export type SetSecretRequest = Static<typeof SetSecretRequest>;

/** The caller's git SSH public key (ed25519), in authorized_keys form; add it to your git host. */
export const GitSshKey = Type.Object({
  publicKey: Type.String(),
  createdAt: Timestamp,
});
export type GitSshKey = Static<typeof GitSshKey>;
