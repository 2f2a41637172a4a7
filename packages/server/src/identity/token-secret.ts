import { createHash, randomBytes } from 'node:crypto';

/** A new bearer secret and the hash under which it is stored; the secret itself is never stored. */
export function newTokenSecret(): { secret: string; hash: string } {
  const secret = `hth_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashToken(secret) };
}

/** Tokens are 256-bit random, so a fast hash is enough (unlike passwords). */
export const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');
