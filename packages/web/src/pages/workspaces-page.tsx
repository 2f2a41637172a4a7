import { useQuery } from '@tanstack/react-query';
import { workspacesQuery } from '../api/queries.js';
import { WorkspacesView } from './workspaces-view.js';

const MOVING = new Set(['pending', 'building', 'stopping', 'deleting']);

/** Fetches the caller's workspaces; faster while one of them is changing state. */
export function WorkspacesPage() {
  const query = useQuery({
    ...workspacesQuery(),
    refetchInterval: (q) => (q.state.data?.some((w) => MOVING.has(w.state)) ? 2_000 : 10_000),
  });
  return <WorkspacesView query={query} />;
}
