/**
 * Which account a workspace runs as: the image's `USER`, resolved through its /etc/passwd.
 * Root (or no USER at all) is refused: hooks and sessions must never run as root.
 */
import type { PasswdEntry } from '../runtime/runtime.js';

export type ImageUser = { ok: true; name: string; uid: number; gid: number } | { ok: false; problem: string };

export function resolveImageUser(ref: string, user: string, passwd: readonly PasswdEntry[]): ImageUser {
  const [who = '', group] = user.split(':');
  if (who === '') {
    return {
      ok: false,
      problem: `image ${ref} has no USER, so it would run as root; add a non-root user and a USER line to its Dockerfile`,
    };
  }
  const entry = /^\d+$/.test(who)
    ? passwd.find((p) => p.uid === Number(who))
    : passwd.find((p) => p.name === who);
  if (!entry) {
    return {
      ok: false,
      problem: `image ${ref} has USER ${who}, but its /etc/passwd has no such user; Hearth needs a named user for /home/<username>: create it in the image (useradd)`,
    };
  }
  if (entry.uid === 0) {
    return {
      ok: false,
      problem: `image ${ref} runs as root (USER ${who}); workspaces must run as a non-root user: add one and set USER to it`,
    };
  }
  const gid = group !== undefined && /^\d+$/.test(group) ? Number(group) : entry.gid;
  return { ok: true, name: entry.name, uid: entry.uid, gid };
}
