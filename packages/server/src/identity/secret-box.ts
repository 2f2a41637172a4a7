/**
 * Encryption at rest for secrets (private keys, secret values): AES-256-GCM with a random 96-bit
 * nonce per value. Stored as `v1:<nonce>:<tag>:<ciphertext>` (base64), so the key can be rotated later.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.#key = key;
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', nonce, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  open(sealed: string): string {
    const [version, nonce, tag, data] = sealed.split(':');
    if (version !== 'v1' || nonce === undefined || tag === undefined || data === undefined)
      throw new Error('open secret: not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(nonce, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new Error('open secret: wrong secret key or damaged value (was HEARTH_SECRET_KEY changed?)', {
        cause: error,
      });
    }
  }
}

/** The key from HEARTH_SECRET_KEY, else from `file`, which is created (0600, 32 random bytes) if missing. */
export function loadSecretKey(options: { key?: string; file: string }): Buffer {
  if (options.key) return Buffer.from(options.key, 'base64');
  try {
    const key = Buffer.from(readFileSync(options.file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${options.file} does not hold 32 bytes in base64`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process has just written.
  writeFileSync(options.file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(options.file, 0o600);
  return key;
}
