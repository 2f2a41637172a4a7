import { useQuery } from '@tanstack/react-query';
import { workspacesQuery } from '../api/queries.js';
import { useListWatch } from '../api/use-list-watch.js';
import { WorkspacesView } from './workspaces-view.js';

/** Fetches the caller's workspaces, then keeps them live from the list's watch stream. */
export function WorkspacesPage() {
  const query = useQuery(workspacesQuery());
  useListWatch();
  return <WorkspacesView query={query} />;
}
