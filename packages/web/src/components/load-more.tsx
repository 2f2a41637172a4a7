/** The foot of a paged list: how many are shown, and a button to read the next page while there is one. */
import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import { ErrorNotice } from './states.js';

type Paged = Pick<
  UseInfiniteQueryResult,
  'hasNextPage' | 'isFetchingNextPage' | 'fetchNextPage' | 'isFetchNextPageError' | 'error'
>;

/** `what` is one item's word ("workspace"): the line says "1 workspace", "2 workspaces". */
export function LoadMore({ query, shown, what }: { query: Paged; shown: number; what: string }) {
  const more = () => void query.fetchNextPage();
  const items = `${shown} ${what}${shown === 1 ? '' : 's'}`;
  return (
    <div className="load-more">
      <p className="muted">
        {query.hasNextPage ? `Showing the first ${items}. There are more.` : `Showing all ${items}.`}
      </p>
      {query.hasNextPage && (
        <button type="button" onClick={more} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
        </button>
      )}
      {query.isFetchNextPageError && <ErrorNotice error={query.error} retry={more} />}
    </div>
  );
}
