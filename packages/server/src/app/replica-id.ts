/**
 * This server's replica id: `<data dir's id>.<run>`. The data directory's part is made once and
 * kept in the data directory (one server at a time has it: see store/data-dir-lock.ts), so a
 * server restarted on it knows the builds its previous run claimed are no live replica's, even
 * while their heartbeat is still fresh (a kill -9 a moment ago). The run part is new at each start.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'replica-id';

export function replicaIdFor(dataDir: string): string {
  const file = join(dataDir, FILE);
  let stable: string;
  try {
    stable = readFileSync(file, 'utf8').trim();
  } catch {
    stable = '';
  }
  if (!/^[0-9a-f-]{36}$/.test(stable)) {
    stable = randomUUID();
    writeFileSync(file, `${stable}\n`, { mode: 0o600 });
  }
  return `${stable}.${randomUUID()}`;
}
