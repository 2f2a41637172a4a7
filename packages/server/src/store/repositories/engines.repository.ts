/**
 * The pool of container engines and what their workspaces request.
 *
 * Dialect differences: none beyond executor.ts's conventions (sums and counts go through `Number()`).
 */
import type { EngineRow, NewEngine } from '../schema.js';
import type { Executor } from './executor.js';

export const listEngines = (db: Executor): Promise<EngineRow[]> =>
  db.selectFrom('engines').selectAll().orderBy('name').execute();

export const findEngineByName = (db: Executor, name: string): Promise<EngineRow | undefined> =>
  db.selectFrom('engines').selectAll().where('name', '=', name).executeTakeFirst();

export const findEngineById = (db: Executor, id: string): Promise<EngineRow | undefined> =>
  db.selectFrom('engines').selectAll().where('id', '=', id).executeTakeFirst();

export const insertEngine = (db: Executor, engine: NewEngine) =>
  db.insertInto('engines').values(engine).execute();

export const setEngineDrained = (db: Executor, id: string, drained: boolean) =>
  db
    .updateTable('engines')
    .set({ drained: drained ? 1 : 0 })
    .where('id', '=', id)
    .execute();

export const setEngineCapacity = (
  db: Executor,
  id: string,
  capacity: { cpu_millis: number; memory_bytes: number; gpus: number },
) => db.updateTable('engines').set(capacity).where('id', '=', id).execute();

export const deleteEngine = (db: Executor, id: string) =>
  db.deleteFrom('engines').where('id', '=', id).execute();

/** What the workspaces of each engine request in all (every workspace counts: each comes back where its home is). */
export interface EngineAllocation {
  readonly engineId: string;
  readonly workspaces: number;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly gpus: number;
}

/**
 * Holds an engine's row until `tx` ends (a no-op update takes its row lock on PostgreSQL; SQLite's
 * one writer is held anyway): placements on one engine are decided one after another, each
 * counting the workspaces the ones before it wrote.
 */
export async function lockEngineRow(tx: Executor, engineId: string): Promise<void> {
  await tx
    .updateTable('engines')
    .set((eb) => ({ name: eb.ref('engines.name') }))
    .where('id', '=', engineId)
    .execute();
}

/**
 * Allocations of the engines that have workspaces; an engine without any is absent. `exceptId`
 * leaves one workspace out (a rebuild's own, whose requests are being replaced).
 */
export async function engineAllocations(db: Executor, exceptId?: string): Promise<EngineAllocation[]> {
  const rows = await db
    .selectFrom('workspaces')
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .select((eb) => [
      'engine_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('cpu_millis').as('cpu'),
      eb.fn.sum<number>('memory_bytes').as('memory'),
      eb.fn.sum<number>('gpus').as('gpus'),
    ])
    .groupBy('engine_id')
    .execute();
  return rows.map((r) => ({
    engineId: r.engine_id,
    workspaces: Number(r.n),
    cpuMillis: Number(r.cpu ?? 0),
    memoryBytes: Number(r.memory ?? 0),
    gpus: Number(r.gpus ?? 0),
  }));
}

/** Workspace ids on an engine, for the reconciler's per-engine pass. */
export const workspaceIdsOnEngine = async (db: Executor, engineId: string): Promise<string[]> =>
  (await db.selectFrom('workspaces').select('id').where('engine_id', '=', engineId).execute()).map(
    (r) => r.id,
  );
