/**
 * The views of builds a list shows, kept by build id so that a page does not parse every build's
 * stages and warnings (JSON) again on each request (issue 15: about 0.2 ms of CPU on an org admin's
 * page of 100 workspaces). A kept view is reused only while the row it came from is the same in
 * every column (strings compared, not parsed), so a build that changed since is viewed afresh;
 * a queued build is never kept (its position in the queue is not in its row).
 */
import type { Build } from '@hearth/sdk';
import { BUILD_VIEW_COLUMNS, type BuildViewRow } from '../store/repositories/builds.repository.js';
import { buildView } from './views.js';

/** Whether two rows of one build hold the same value in every view column. */
const sameRow = new Function(
  'a',
  'b',
  `return ${BUILD_VIEW_COLUMNS.map((column) => `a.${column} === b.${column}`).join(' && ')};`,
) as (a: BuildViewRow, b: BuildViewRow) => boolean;

/**
 * Build views by build id, at most `capacity` of them (the oldest kept is dropped first), so its
 * memory is bounded whatever the number of builds: a kept build of five stages took about 1.7 KB
 * of heap (its row and its view), so the default 5,000 (fifty pages of 100) take about 8 MB.
 * Views handed out are shared: callers only read them (a list serializes them).
 */
export class BuildViewCache {
  readonly #kept = new Map<string, { row: BuildViewRow; view: Build }>();

  constructor(readonly capacity = 5_000) {}

  /** The view of a build that is not queued (`buildView(row, null)`), kept or made and kept. */
  viewOf(row: BuildViewRow): Build {
    if (row.status === 'queued')
      throw new Error(`build ${row.id} is queued: its view needs its queue position`);
    const kept = this.#kept.get(row.id);
    if (kept && sameRow(kept.row, row)) return kept.view;
    const view = buildView(row, null);
    if (kept) this.#kept.delete(row.id);
    else if (this.#kept.size >= this.capacity) this.#kept.delete(this.#kept.keys().next().value!);
    this.#kept.set(row.id, { row, view });
    return view;
  }

  /** How many views are kept (for tests). */
  get size(): number {
    return this.#kept.size;
  }
}
