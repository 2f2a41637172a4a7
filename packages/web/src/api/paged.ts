/**
 * A paged list in the cache: its pages, read one at a time with the SDK's `list…Page()` (the first
 * at once, the next when asked), shown as one list; and the watch's way to change a row in place.
 */
import type { Page } from '@hearth/sdk/browser';
import { type InfiniteData, infiniteQueryOptions, type QueryKey } from '@tanstack/react-query';

export type Pages<T> = InfiniteData<Page<T>, string | undefined>;

/** How often a list is read again: a fixed interval, or one decided from the pages loaded (false: not). */
export type Refetch<T> = number | ((data: Pages<T> | undefined) => number | false);

/** Query options of a paged list: `read` answers the page starting at `cursor` (the first when undefined). */
export const pagedQuery = <T>(
  queryKey: QueryKey,
  read: (cursor: string | undefined) => Promise<Page<T>>,
  idOf: (item: T) => string,
  refetch?: Refetch<T>,
) =>
  infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam }) => read(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextCursor,
    select: (data: Pages<T>) => loadedItems(data, idOf),
    ...(refetch === undefined
      ? {}
      : {
          refetchInterval: (query: { state: { data: Pages<T> | undefined } }) =>
            typeof refetch === 'number' ? refetch : refetch(query.state.data),
        }),
  });

/** The items of the pages loaded so far, in order, each once (a row the watch added may come again in a later page). */
function loadedItems<T>(data: Pages<T>, idOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return data.pages.flatMap((p) => p.items).filter((x) => !seen.has(idOf(x)) && !!seen.add(idOf(x)));
}

/** Replaces the item with `item`'s id wherever it is loaded, or adds it to the end of the last page. */
export function upsertItem<T extends { id: string }>(data: Pages<T>, item: T): Pages<T> {
  const has = (p: Page<T>) => p.items.some((x) => x.id === item.id);
  const last = data.pages.length - 1;
  const found = data.pages.some(has);
  const pages = data.pages.map((p, i) => {
    if (found) return has(p) ? { ...p, items: p.items.map((x) => (x.id === item.id ? item : x)) } : p;
    return i === last ? { ...p, items: [...p.items, item] } : p;
  });
  return { ...data, pages };
}

/** Removes the item with this id from every loaded page. */
export function removeItem<T extends { id: string }>(data: Pages<T>, id: string): Pages<T> {
  const pages = data.pages.map((p) =>
    p.items.some((x) => x.id === id) ? { ...p, items: p.items.filter((x) => x.id !== id) } : p,
  );
  return { ...data, pages };
}
