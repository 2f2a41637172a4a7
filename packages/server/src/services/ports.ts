/**
 * Small ports the services use besides the store and the runtime, so tests can drive them.
 */
import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Logger } from 'pino';

export type { Logger };

/** The time, injected so tests and the lifecycle executor can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Password hashing (argon2id). Kept behind a port so its cost is one decision. */
export interface Passwords {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const argon2Passwords: Passwords = {
  hash: (password) => argon2.hash(password, { type: argon2.argon2id }),
  verify: async (hash, password) => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  },
};

/** A new bearer secret and the hash under which it is stored; the secret itself is never stored. */
export function newTokenSecret(): { secret: string; hash: string } {
  const secret = `hth_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashToken(secret) };
}

/** Tokens are 256-bit random, so a fast hash is enough (unlike passwords). */
export const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const newId = (): string => crypto.randomUUID();
