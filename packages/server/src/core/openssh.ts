/**
 * OpenSSH encodings of an ed25519 key pair, pure: the `authorized_keys` line and the unencrypted
 * `openssh-key-v1` private key file (what `ssh-keygen -t ed25519 -N ''` writes).
 */

const KEY_TYPE = 'ssh-ed25519';

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Buffer | string): Buffer => {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(bytes.length), bytes]);
};

/** The public key blob: string "ssh-ed25519", string key (32 bytes). */
const publicBlob = (publicKey: Buffer) => Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);

/** `ssh-ed25519 AAAA… comment`. */
export function openSshPublicKey(publicKey: Buffer, comment: string): string {
  return `${KEY_TYPE} ${publicBlob(publicKey).toString('base64')} ${comment}`;
}

/**
 * The private key file. `seed` is the 32-byte private seed; `check` the random 32-bit check value
 * OpenSSH writes twice to detect a wrong passphrase (meaningless without one, but required).
 */
export function openSshPrivateKey(seed: Buffer, publicKey: Buffer, comment: string, check: number): string {
  if (seed.length !== 32 || publicKey.length !== 32) throw new Error('ed25519 keys are 32 bytes');
  const body = Buffer.concat([
    u32(check),
    u32(check),
    sshString(KEY_TYPE),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const file = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32(1),
    sshString(publicBlob(publicKey)),
    sshString(Buffer.concat([body, padding])),
  ]);
  const lines = file.toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
