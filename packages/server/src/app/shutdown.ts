/**
 * Shutting down in order: periodic jobs, then the listeners (the unix socket, SSH before HTTP so
 * tunnelled sessions still hear why they end), then the work in flight (builds, stops, deletes,
 * campaigns, activity writes, up to `graceMs`), then the store and the data directory's lock.
 */
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { DataDirLock } from '../store/data-dir-lock.js';
import type { Foundation, Wired } from './wiring.js';

export interface Running {
  readonly f: Foundation;
  readonly w: Wired;
  readonly app: FastifyInstance;
  readonly unixServer: Server;
  readonly stopJobs: () => Promise<void>;
  readonly lock: DataDirLock;
}

export async function shutdown(r: Running, graceMs: number): Promise<void> {
  const { w } = r;
  await r.stopJobs();
  r.unixServer.closeAllConnections();
  await new Promise((resolve) => r.unixServer.close(resolve));
  await w.ssh.close();
  await r.app.close();
  w.agents.close();
  w.tlsAgents.close();
  w.links.close();
  const settled = Promise.all([
    w.queue.idle(),
    w.workspaces.settle(),
    w.campaigns.settle(),
    w.activity.settle(),
  ]);
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  await r.w.installations.stop();
  if ('close' in w.activity) await w.activity.close();
  await r.f.installation.stop();
  await w.closeCoordination();
  await r.f.db.destroy();
  r.lock.release();
}
