/**
 * The {@link LoginWindows} replicas share: each budget key's window is a row of `login_windows`,
 * so a guesser spreading attempts over replicas is slowed down as by one server. A failure takes
 * its keys' rows (in key order, so two failures sharing keys never wait for each other in a
 * circle), moves each window on by core's `recordFailure` and writes it back in one transaction:
 * failures at the same moment on several replicas all count. At most once a minute per replica, a
 * failure also deletes the windows whose time has passed. Written for PostgreSQL's replicas; the
 * SQL is portable.
 */
import { createHash } from 'node:crypto';
import { type Budget, recordFailure, retryAfterMs, type Window } from '../../core/rate-limit.js';
import type { LoginWindows } from '../../ports/login-windows.js';
import type { Database } from '../../store/database.js';
import * as windows from '../../store/repositories/login-windows.repository.js';
import { inTransaction } from '../../store/transaction.js';

export const PRUNE_EVERY_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();
/**
 * A budget key as stored: its SHA-256. Keys hold a NUL (between account and source), which
 * PostgreSQL's text refuses, and a username of any length; the hash is neither.
 */
const stored = (key: string) => createHash('sha256').update(key).digest('hex');
const windowOf = (row: windows.LoginWindowRow): Window => ({
  startedAt: Date.parse(row.started_at),
  failures: row.failures,
});

export class SharedLoginWindows implements LoginWindows {
  readonly #db: Database;
  #prunedAt = Number.NEGATIVE_INFINITY;

  constructor(db: Database) {
    this.#db = db;
  }

  async retryAfterMs(budgets: readonly Budget[], now: number): Promise<number> {
    if (budgets.length === 0) return 0;
    const rows = await windows.findLoginWindows(
      this.#db,
      budgets.map((b) => stored(b.key)),
    );
    const found = new Map(rows.map((row) => [row.key, windowOf(row)]));
    return Math.max(0, ...budgets.map((b) => retryAfterMs(found.get(stored(b.key)), b.policy, now)));
  }

  async recordFailure(budgets: readonly Budget[], now: number): Promise<void> {
    const ordered = budgets
      .map((b) => ({ ...b, key: stored(b.key) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    await inTransaction(this.#db, async (tx) => {
      for (const b of ordered) {
        const next = recordFailure(windowOf(await windows.lockLoginWindow(tx, b.key)), b.policy, now);
        await windows.setLoginWindow(tx, b.key, {
          started_at: iso(next.startedAt),
          failures: next.failures,
          expires_at: iso(next.startedAt + b.policy.windowMs),
        });
      }
    });
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await windows.pruneLoginWindows(this.#db, iso(now));
    }
  }

  async clear(key: string): Promise<void> {
    await windows.deleteLoginWindow(this.#db, stored(key));
  }
}
