/**
 * Checkpoints of SQLite's write-ahead log, off the event loop. SQLite's own automatic checkpoint
 * runs inside the commit that fills the log past 1,000 pages, on the connection that commits: the
 * server's, whose every call is synchronous, so the checkpoint's copy and fsync held the event
 * loop (bench/executor.js, 10,000 transitions due: loop stalls of 16-42 ms, 10-14 ms without).
 * A worker thread with a connection of its own checkpoints instead (wal-checkpoint-worker.ts), and
 * once it is up the server's connection stops checkpointing. Should the thread fail or end, the
 * server's connection checkpoints again as SQLite would: the log never grows without bound.
 */
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's default: a commit that leaves the log this many pages long checkpoints it. */
const SQLITE_AUTOCHECKPOINT = 1000;

export interface WalCheckpoints {
  /** Resolves once the worker checkpoints (true), or it could not start (false: SQLite's own do). */
  readonly ready: Promise<boolean>;
  /** Ends the worker; the server's connection checkpoints again (it may go on writing). */
  stop(): void;
}

export function checkpointOffLoop(
  sqlite: Pick<SQLite.Database, 'pragma'>,
  file: string,
  intervalMs = 1000,
): WalCheckpoints {
  let stopped = false;
  const fallBack = () => {
    if (!stopped) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  };
  const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
    workerData: { file, intervalMs },
  });
  worker.unref();
  const ready = new Promise<boolean>((resolve) => {
    worker.once('message', () => {
      if (stopped) return;
      sqlite.pragma('wal_autocheckpoint = 0');
      resolve(true);
    });
    worker.once('error', () => {
      fallBack();
      resolve(false);
    });
    worker.once('exit', () => {
      fallBack();
      resolve(false);
    });
  });
  return {
    ready,
    stop() {
      if (stopped) return;
      fallBack();
      stopped = true;
      worker.postMessage('stop');
    },
  };
}
