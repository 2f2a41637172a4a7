/**
 * Users' SSH public keys and the plain SSH listener's user names, pure: what text is acceptable
 * as a public key, the SHA256 fingerprint as OpenSSH prints it, key names, and which workspace an
 * SSH user name (`api`, `alice.api`) means. Parsing the key itself is ssh2's job (the service's).
 */
import { createHash } from 'node:crypto';
import { nameProblem } from './names.js';

/** Key types the gateway verifies signatures of. */
export const SUPPORTED_KEY_TYPES: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
];
export const MIN_RSA_BITS = 2048;
const MAKE_ONE = 'make one with: ssh-keygen -t ed25519';

/** `SHA256:` and the unpadded base64 of the key blob's SHA-256: what `ssh-keygen -l` prints. */
export function sshFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Why `text` cannot be an OpenSSH public key line before anything parses it (a private key, several
 * keys, certificates and security-key types), or undefined when it is worth parsing.
 */
export function publicKeyTextProblem(text: string): string | undefined {
  if (/PRIVATE KEY|PuTTY-User-Key-File/.test(text))
    return 'this is a private key, which must never leave your machine: give the public key instead, the .pub file next to it (e.g. ~/.ssh/id_ed25519.pub)';
  const lines = keyLines(text);
  if (lines.length === 0)
    return `no public key given: pass the contents of a .pub file, e.g. ~/.ssh/id_ed25519.pub (no key yet? ${MAKE_ONE})`;
  if (lines.length > 1)
    return `${lines.length} keys given: add one public key at a time (one line like "ssh-ed25519 AAAA… you@host")`;
  const type = lines[0]!.split(/\s+/)[0]!;
  if (type.includes('-cert-v01@openssh.com'))
    return `${type} is an SSH certificate; Hearth takes plain public keys: give the key the certificate was made for (its .pub file)`;
  if (type.startsWith('sk-'))
    return `security-key (FIDO) keys like ${type} are not supported yet; ${MAKE_ONE}`;
  return undefined;
}

/** The one key line of `text`, comments and blank lines dropped (what {@link publicKeyTextProblem} checked). */
export function publicKeyLine(text: string): string {
  return keyLines(text)[0] ?? '';
}

/** Why a parsed key of `type` with wire-format `blob` is refused, or undefined when it is accepted. */
export function keyTypeProblem(type: string, blob: Uint8Array): string | undefined {
  if (type === 'ssh-dss') return `DSA keys (ssh-dss) are no longer considered safe; ${MAKE_ONE}`;
  if (!SUPPORTED_KEY_TYPES.includes(type))
    return `key type ${type} is not supported (use one of ${SUPPORTED_KEY_TYPES.join(', ')}); ${MAKE_ONE}`;
  if (type === 'ssh-rsa') {
    const bits = rsaModulusBits(blob);
    if (bits < MIN_RSA_BITS)
      return `this RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required: ${MAKE_ONE}`;
  }
  return undefined;
}

/**
 * The size in bits of an `ssh-rsa` blob's modulus (string type, mpint e, mpint n); 0 when the
 * blob is not one.
 */
export function rsaModulusBits(blob: Uint8Array): number {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 0;
  const field = (): Buffer | undefined => {
    if (at + 4 > bytes.length) return undefined;
    const length = bytes.readUInt32BE(at);
    const start = at + 4;
    at = start + length;
    return at <= bytes.length ? bytes.subarray(start, at) : undefined;
  };
  if (field()?.toString() !== 'ssh-rsa' || !field()) return 0;
  const n = field();
  if (!n) return 0;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i) * 8 - (Math.clz32(n[i]!) - 24);
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Why `name` cannot name an SSH key, or undefined. Names never hold `:`, so they never look like fingerprints. */
export function sshKeyNameProblem(name: string): string | undefined {
  if (KEY_NAME.test(name)) return undefined;
  return `SSH key name "${name}" is not valid: use 1-64 letters, digits or . _ @ + -, starting with a letter or digit (e.g. laptop)`;
}

/**
 * The name a key gets when none is given: its comment (`alice@laptop`) with anything a name may
 * not hold turned into `-`, else the key type (`ed25519`, `rsa`, `ecdsa`).
 */
export function defaultKeyName(comment: string, type: string): string {
  const cleaned = comment
    .replace(/[^A-Za-z0-9._@+-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  if (cleaned && !sshKeyNameProblem(cleaned)) return cleaned;
  return type.replace(/^ssh-/, '').replace(/-sha2-.*$/, '');
}

/** The workspace an SSH user name asks for: the key owner's (`me`) or, with `OWNER.`, someone's. */
export type SshUserTarget = { readonly owner: string; readonly name: string } | { readonly problem: string };

/**
 * Parses the user name of `ssh NAME@host` or `ssh OWNER.NAME@host`. A dot separates the owner:
 * user and workspace names are DNS labels and never contain one, and a `/` would make scp and
 * rsync read `owner/name@host:path` as a local path.
 */
export function parseSshUser(user: string): SshUserTarget {
  const parts = user.split('.');
  const usage = 'the SSH user names the workspace: ssh NAME@HOST for yours, or OWNER.NAME@HOST';
  if (parts.length > 2) return { problem: `SSH user "${user}" has more than one ".": ${usage}` };
  const [first, second] = parts as [string, string | undefined];
  const name = second ?? first;
  const problem =
    (second !== undefined ? nameProblem('user', first) : undefined) ?? nameProblem('workspace', name);
  if (problem) return { problem: `SSH user "${user}": ${problem}; ${usage}` };
  return { owner: second === undefined ? 'me' : first, name };
}

function keyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
