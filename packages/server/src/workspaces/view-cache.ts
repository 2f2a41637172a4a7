/**
 * The views a list shows, kept by id and reused while what they were made from is unchanged, so a
 * page of 100 workspaces does not build (and serialize, http/view-serialization.ts) every view again
 * on each request (issue 15):
 *
 *  - a build's view, while its row is the same in every view column (strings compared, not
 *    parsed): reusing it saves parsing every build's stages and warnings (JSON), about 0.2 ms of
 *    CPU a page; a queued build is never kept (its position in the queue is not in its row);
 *  - a workspace's view, while its stamp is the same (the row versions of the workspace, its org
 *    and its newest build, and the names joined from other tables) and its disk usage too: a list
 *    reads the stamps first and the whole rows only of the workspaces whose kept view is out of
 *    date, and reusing a view lets the list's answer reuse that view's JSON, which was a third of a
 *    page's CPU.
 *
 * A kept view is shared between the answers that show it: callers only read it.
 */
import type { Build, Workspace } from '@hearth/sdk';
import { BUILD_VIEW_COLUMNS, type BuildViewRow } from '../store/repositories/builds.repository.js';
import {
  type ListedWorkspace,
  WORKSPACE_STAMP_FIELDS,
  type WorkspaceStamp,
} from '../store/repositories/workspaces.repository.js';
import type { DiskUsed } from './disk-usage.js';
import { buildView, workspaceView } from './views.js';

/** Whether `a` and `b` hold the same value in each of `fields`: one expression, compiled once. */
function sameIn<T>(fields: readonly (keyof T & string)[]): (a: T, b: T) => boolean {
  const checks = fields.map((field) => `a[${JSON.stringify(field)}] === b[${JSON.stringify(field)}]`);
  return new Function('a', 'b', `return ${checks.join(' && ')};`) as (a: T, b: T) => boolean;
}

/**
 * Views by id, at most `capacity` of them (the oldest kept is dropped first), so the memory is
 * bounded whatever the number of rows. A view is kept from the second time its id is asked for
 * (the ids asked for once are remembered, as many as `capacity`): a walk through more rows than the
 * cache holds, as `hearth list --all` makes, would otherwise replace every kept view with one that
 * is never asked for again, and each replaced view outlives the young generation, where V8 frees
 * garbage cheaply: paging through an org of 10,000 twelve times grew the server's RSS to about
 * 300 MB before the old generation was collected (225 MB with this, 160 MB with no caches).
 */
class ViewCache<Source, View> {
  readonly #kept = new Map<string, { source: Source; view: View }>();
  /** Ids asked for once and not kept, oldest first. */
  readonly #once = new Set<string>();
  readonly #same: (a: Source, b: Source) => boolean;
  readonly #make: (source: Source) => View;

  constructor(
    readonly capacity: number,
    same: (a: Source, b: Source) => boolean,
    make: (source: Source) => View,
  ) {
    this.#same = same;
    this.#make = make;
  }

  /** What is kept for `id`: the source its view was made from, and the view. */
  kept(id: string): { readonly source: Source; readonly view: View } | undefined {
    return this.#kept.get(id);
  }

  /** The view of `source` (whose id is `id`), kept or made (and kept if asked for before). */
  viewOf(id: string, source: Source): View {
    const kept = this.#kept.get(id);
    if (kept && this.#same(kept.source, source)) return kept.view;
    const view = this.#make(source);
    if (kept) this.#kept.delete(id);
    else if (!this.#once.delete(id)) {
      this.#once.add(id);
      if (this.#once.size > this.capacity) this.#once.delete(this.#once.values().next().value!);
      return view;
    } else if (this.#kept.size >= this.capacity) this.#kept.delete(this.#kept.keys().next().value!);
    this.#kept.set(id, { source, view });
    return view;
  }

  /** How many views are kept (for tests). */
  get size(): number {
    return this.#kept.size;
  }
}

const sameBuildRow = sameIn<BuildViewRow>(BUILD_VIEW_COLUMNS);

/**
 * Build views of the builds that are not queued. The default 5,000 (fifty pages of 100): a kept
 * build of five stages took about 1.7 KB of heap (its row and its view), about 8 MB in all.
 */
export class BuildViewCache {
  readonly #views: ViewCache<BuildViewRow, Build>;

  constructor(capacity = 5_000) {
    this.#views = new ViewCache(capacity, sameBuildRow, (row) => buildView(row, null));
  }

  /** The view of a build that is not queued (`buildView(row, null)`), kept or made (see {@link ViewCache}). */
  viewOf(row: BuildViewRow): Build {
    if (row.status === 'queued')
      throw new Error(`build ${row.id} is queued: its view needs its queue position`);
    return this.#views.viewOf(row.id, row);
  }

  get size(): number {
    return this.#views.size;
  }
}

/** What a workspace's view is made from. */
interface WorkspaceViewSource {
  readonly ws: ListedWorkspace;
  readonly lastBuild: Build | null;
  readonly disk: DiskUsed;
}

const sameStamp = sameIn<WorkspaceStamp>(WORKSPACE_STAMP_FIELDS);
const sameDisk = sameIn<DiskUsed>(['bytes', 'measuredAt', 'unknownReason']);

/**
 * Workspace views. The default 2,000 (twenty pages of 100): a kept workspace view took about 5 KB
 * of heap (its row, its view and that view's JSON), about 10 MB in all.
 */
export class WorkspaceViewCache {
  readonly #views: ViewCache<WorkspaceViewSource, Workspace>;

  constructor(capacity = 2_000) {
    this.#views = new ViewCache(
      capacity,
      (a, b) => sameStamp(a.ws, b.ws) && sameDisk(a.disk, b.disk),
      ({ ws, lastBuild, disk }) => workspaceView(ws, lastBuild, disk),
    );
  }

  /**
   * The kept view of the workspace `stamp` is of, if it was made from the same stamp and the disk
   * usage `diskOf` gives for its row now is the one it shows; undefined when the list must read the
   * workspace's row (the repository's `listedWorkspacesByIds`) and call {@link viewOf}.
   */
  find(stamp: WorkspaceStamp, diskOf: (ws: ListedWorkspace) => DiskUsed): Workspace | undefined {
    const kept = this.#views.kept(stamp.id);
    if (!kept || !sameStamp(kept.source.ws, stamp)) return undefined;
    return sameDisk(kept.source.disk, diskOf(kept.source.ws)) ? kept.view : undefined;
  }

  /**
   * `workspaceView(ws, lastBuild, disk)`, kept or made (see {@link ViewCache}). A view with a
   * queued build is made afresh each time and never kept: its position in the queue is not in its
   * rows.
   */
  viewOf(ws: ListedWorkspace, lastBuild: Build | null, disk: DiskUsed): Workspace {
    if (lastBuild?.status === 'queued') return workspaceView(ws, lastBuild, disk);
    return this.#views.viewOf(ws.id, { ws, lastBuild, disk });
  }

  get size(): number {
    return this.#views.size;
  }
}
