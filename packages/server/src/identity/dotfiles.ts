/**
 * Each user's dotfiles setting: the repository the personalize stage clones into every workspace.
 */
import type { Dotfiles } from '@hearth/sdk';
import { branchProblem, type DotfilesSetting, dotfilesUrlProblem, redactUrl } from '../core/dotfiles.js';
import { invalidInput } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import * as dotfiles from '../store/repositories/dotfiles.repository.js';
import type { Actor } from './actor.js';

export class DotfilesService {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async get(actor: Actor): Promise<Dotfiles> {
    const row = await dotfiles.findDotfiles(this.#db, actor.id);
    // A URL stored before credentials were refused is never shown whole.
    return {
      url: row ? redactUrl(row.url) : null,
      branch: row?.branch ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /** Takes effect at the next build of each workspace. */
  async set(actor: Actor, input: { url: string; branch?: string }): Promise<Dotfiles> {
    const urlProblem = dotfilesUrlProblem(input.url);
    if (urlProblem) throw invalidInput(urlProblem, { field: 'url' });
    const problem = input.branch === undefined ? undefined : branchProblem(input.branch);
    if (problem) throw invalidInput(problem, { field: 'branch' });
    await dotfiles.upsertDotfiles(this.#db, {
      user_id: actor.id,
      url: input.url,
      branch: input.branch ?? null,
      updated_at: this.#clock.now().toISOString(),
    });
    return this.get(actor);
  }

  async unset(actor: Actor): Promise<void> {
    await dotfiles.deleteDotfiles(this.#db, actor.id);
  }

  /** The setting the personalize stage applies for `userId`, if any. */
  async forUser(userId: string): Promise<DotfilesSetting | undefined> {
    const row = await dotfiles.findDotfiles(this.#db, userId);
    return row && { url: row.url, branch: row.branch };
  }
}
