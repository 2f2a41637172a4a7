import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { isNotFound } from '../api/client.js';
import { buildsQuery, workspaceQuery } from '../api/queries.js';
import { useWatch } from '../api/use-watch.js';
import { ErrorNotice, Loading } from '../components/states.js';
import { NotFoundPage } from './not-found-page.js';
import { WorkspaceView } from './workspace-view.js';

/** One workspace: fetched, then kept live by its watch stream. */
export function WorkspacePage() {
  const { owner = '', name = '' } = useParams();
  const workspace = useQuery(workspaceQuery(owner, name));
  const builds = useQuery({ ...buildsQuery(owner, name), enabled: workspace.isSuccess });
  const watch = useWatch(owner, name);
  if (workspace.isPending) return <Loading what="the workspace" />;
  if (workspace.isError) {
    if (isNotFound(workspace.error)) return <NotFoundPage what="workspace" />;
    return <ErrorNotice error={workspace.error} retry={() => void workspace.refetch()} />;
  }
  return <WorkspaceView workspace={workspace.data} builds={builds} watch={watch} />;
}
