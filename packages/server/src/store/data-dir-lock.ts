/**
 * One server per data directory. The lock is a kernel file lock (SQLite's own fcntl lock on
 * `server.lock`, held in exclusive locking mode): the kernel drops it when the process ends, even
 * by `kill -9`, so a stale file never blocks a start and a live holder is never mistaken for a dead
 * one. Beside it, `server.json` says who holds it (pid, address) for the refusal message.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';

/** Who holds a data directory, as its `server.json` says. */
export interface DataDirHolder {
  readonly pid: number;
  /** The URL it serves on; absent while it is still starting. */
  readonly url?: string;
  readonly since: string;
}

/** The data directory is held by another live server. */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dir: string,
    readonly holder: DataDirHolder | undefined,
  ) {
    super(
      `the data directory ${dir} is in use by ${describe(holder)}: one server owns a data directory at a time. ` +
        'Stop that server first, or give this one its own --data-dir',
    );
  }
}

function describe(holder: DataDirHolder | undefined): string {
  if (!holder) return 'another hearth server (its pid is not recorded yet)';
  const where = holder.url ? `serving on ${holder.url}` : 'still starting';
  return `the hearth server with pid ${holder.pid} (${where}, since ${holder.since})`;
}

export class DataDirLock {
  readonly #lock: SQLite.Database;
  readonly #holderFile: string;
  readonly #since: string;

  private constructor(lock: SQLite.Database, holderFile: string, since: string) {
    this.#lock = lock;
    this.#holderFile = holderFile;
    this.#since = since;
  }

  /**
   * Takes the data directory (which must exist) for this process, or throws
   * {@link DataDirBusyError} at once, without waiting, when a live server holds it.
   */
  static acquire(dir: string, now: Date): DataDirLock {
    const lock = new SQLite(join(dir, 'server.lock'), { timeout: 0 });
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      // The first write takes the exclusive lock; exclusive locking mode keeps it until close.
      lock.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      lock.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY')
        throw new DataDirBusyError(dir, readHolder(dir));
      throw error;
    }
    const held = new DataDirLock(lock, join(dir, 'server.json'), now.toISOString());
    held.#write(undefined);
    return held;
  }

  /** Records the URL this server now serves on, for the message a second server prints. */
  announce(url: string): void {
    this.#write(url);
  }

  /** Gives the data directory up (closing the lock file releases the kernel lock). */
  release(): void {
    if (this.#lock.open) this.#lock.close();
  }

  #write(url: string | undefined): void {
    const holder: DataDirHolder = { pid: process.pid, ...(url ? { url } : {}), since: this.#since };
    const temp = `${this.#holderFile}.${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
    renameSync(temp, this.#holderFile);
  }
}

function readHolder(dir: string): DataDirHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as DataDirHolder;
    return typeof parsed.pid === 'number' && alive(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A file left by a server that has since died (the lock was just freed and taken again) names nobody. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
