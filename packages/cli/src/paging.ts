/**
 * Lists read a page at a time: `--limit` and `--cursor` choose one page, `--all` asks for every
 * page, and a page that is not the last ends with a line (on stderr, so `-o json` stays an array)
 * saying how to get the next one. `hearth list`, `images list` and `admin campaigns list` share it.
 */
import type { Page, PageRequest } from '@hearth/sdk';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '@hearth/sdk/page-limits';
import { type Command, InvalidArgumentError } from './commander.js';
import { UsageError } from './errors.js';

/** The paging flags as commander parses them. */
export interface PageFlags {
  all?: boolean;
  limit?: number;
  cursor?: string;
}

/** Adds `--limit <n>` (`noun` per page) and `--cursor <cursor>` (`cursorHelp` says whose page). */
export function addPageOptions(
  cmd: Command,
  noun: string,
  cursorHelp = 'the page after the one that printed this cursor',
): Command {
  return cmd
    .option(
      '--limit <n>',
      `${noun} per page, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`,
      parsePageLimit,
    )
    .option('--cursor <cursor>', cursorHelp);
}

/**
 * Checks `--limit` here, in the flag's words: the server's refusal speaks of HTTP headers a CLI user
 * never sees.
 */
export function parsePageLimit(value: string): number {
  const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT))
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  return limit;
}

/**
 * One page (`--limit`, `--cursor`), or with `--all` every page (`readAll`). `--all` with a page
 * flag is a usage error: it would silently ignore them.
 */
export async function readPages<T>(
  opts: PageFlags,
  readPage: (page: PageRequest) => Promise<Page<T>>,
  readAll: () => Promise<T[]>,
): Promise<Page<T>> {
  if (!opts.all) return readPage({ limit: opts.limit, cursor: opts.cursor });
  if (opts.limit !== undefined || opts.cursor !== undefined)
    throw new UsageError('--all reads every page: leave out --limit and --cursor');
  return { items: await readAll(), nextCursor: undefined };
}

/** What {@link nextPageHint} needs to write the commands for the next page and for all of them. */
export interface NextPage {
  /** What is listed, as the sentence names it: `workspaces`, `images in team`. */
  what: string;
  /** How many this page showed. */
  shown: number;
  /** The command that printed the page, without paging flags: `hearth images list --org team`. */
  command: string;
  /** The `--limit` asked for, if any (the next page keeps the size of this one). */
  limit: number | undefined;
  cursor: string;
  /** The command for every page, when there is one to suggest. */
  all?: string;
}

/** The last line of a page that is not the last: how to get the next page, or all of them. */
export function nextPageHint(p: NextPage): string {
  const all = p.all === undefined ? '' : `; all of them: ${p.all}`;
  return `More ${p.what} after these ${p.shown}. Next page: ${p.command} --limit ${p.limit ?? p.shown} --cursor ${p.cursor}${all}`;
}
