/**
 * The WAL checkpointer's thread (see wal-checkpoints.ts): its own connection to the database
 * copies what the write-ahead log holds back into the database file every `intervalMs`. A
 * checkpoint ends in an fsync; here it waits on the disk instead of the server's event loop.
 * PASSIVE: it never waits for, nor blocks, a reader or writer; what it could not copy is copied
 * at a later pass.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new SQLite(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
// A checkpoint that throws ends the thread: the server's connection then checkpoints again.
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);
parentPort!.on('message', (message: string) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
parentPort!.postMessage('ready');
