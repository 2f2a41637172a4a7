import type { PasswdEntry } from '../runtime.js';

/**
 * Parses `/etc/passwd` text (`name:password:uid:gid:gecos:home:shell`).
 *
 * Lenient on purpose: an image's passwd file is not ours to validate, so blank lines, comments,
 * NIS compat lines (`+`/`-`) and malformed lines are skipped rather than failing the whole build.
 * When a name appears twice the first entry wins, as it does for getpwnam(3).
 */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  const seen = new Set<string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const entry = parseLine(line);
    if (entry === undefined || seen.has(entry.name)) continue;
    seen.add(entry.name);
    entries.push(entry);
  }
  return entries;
}

function parseLine(line: string): PasswdEntry | undefined {
  if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-'))
    return undefined;
  const fields = line.split(':');
  if (fields.length !== 7) return undefined;
  const [name, , uid, gid, , home, shell] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (name === '' || !isId(uid) || !isId(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home, shell };
}

function isId(field: string): boolean {
  return /^\d{1,10}$/.test(field) && Number(field) <= 0xffffffff;
}
