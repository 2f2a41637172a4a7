import { useInfiniteQuery } from '@tanstack/react-query';
import { workspacesQuery } from '../api/queries.js';
import { useListWatch } from '../api/use-list-watch.js';
import { WorkspacesView } from './workspaces-view.js';

/** Fetches the caller's workspaces page by page, then keeps them live from the list's watch stream. */
export function WorkspacesPage() {
  const query = useInfiniteQuery(workspacesQuery());
  useListWatch();
  return <WorkspacesView query={query} />;
}
