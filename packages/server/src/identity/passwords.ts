import type Argon2 from 'argon2';
import type { HearthError } from '../errors.js';
import { lazyPackage } from '../lazy-package.js';

const argon2 = lazyPackage<typeof Argon2>('argon2');

/** Password hashing (argon2id). Kept behind a port so its cost is one decision. */
export interface Passwords {
  hash(password: string): Promise<string>;
  /**
   * False for a wrong password and for a hash it cannot read. Hashes of other parameters verify.
   * Once `signal` aborts (the client that asked has gone), a verification not yet begun is dropped.
   */
  verify(hash: string, password: string, signal?: AbortSignal): Promise<boolean>;
  /** True when `hash` was made with other parameters than {@link hash} uses today. */
  needsRehash(hash: string): boolean;
  /**
   * The refusal (`server_busy`) a hash or verification asked now would meet at once, or undefined
   * when it would be admitted: lets a caller refuse before doing the work that leads up to one.
   */
  refusal(): HearthError | undefined;
}

/**
 * OWASP's first argon2id choice (m=19 MiB, t=2, p=1): a hash takes tens of milliseconds of one
 * core and 19 MiB while it runs. Hashes made before (m=64 MiB, t=3, p=4) still verify and are
 * replaced at the next successful login.
 */
export const ARGON2_PARAMS = {
  type: 2, // argon2.argon2id
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const argon2Passwords: Passwords = {
  hash: (password) => argon2().hash(password, ARGON2_PARAMS),
  verify: async (hash, password) => {
    try {
      return await argon2().verify(hash, password);
    } catch {
      return false;
    }
  },
  needsRehash: (hash) => {
    try {
      return argon2().needsRehash(hash, ARGON2_PARAMS);
    } catch {
      return true;
    }
  },
  // Unbounded: everything is admitted (password-gate.ts is the bound).
  refusal: () => undefined,
};
