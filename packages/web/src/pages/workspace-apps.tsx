/** Fetches and wires the workspace's apps and listening ports; {@link WorkspaceAppsView} renders them. */
import type { ListeningPorts, ShareLevel, Workspace } from '@hearth/sdk/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { appsQuery, keys, portsQuery } from '../api/queries.js';
import { WorkspaceAppsView } from './workspace-apps-view.js';

export function WorkspaceAppsPanel({ workspace: w }: { workspace: Workspace }) {
  const client = useQueryClient();
  const running = w.state === 'running';
  const apps = useQuery(appsQuery(w.owner, w.name));
  const ports = useQuery({ ...portsQuery(w.owner, w.name), enabled: running });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: keys.apps(w.owner, w.name) });
    void client.invalidateQueries({ queryKey: keys.ports(w.owner, w.name) });
  };
  const restart = useMutation({
    mutationFn: (app: string) => api.restartApp(w.owner, w.name, app),
    onSuccess: refresh,
  });
  const share = useMutation({
    mutationFn: ({ port, level }: { port: number; level: ShareLevel }) =>
      api.shareApp(w.owner, w.name, String(port), level),
    onSuccess: (shared) => {
      // Shown at once: reading the ports again takes a round trip into the workspace.
      client.setQueryData(
        keys.ports(w.owner, w.name),
        (list: ListeningPorts | undefined) =>
          list && {
            ...list,
            ports: list.ports.map((p) =>
              String(p.port) === shared.target ? { ...p, sharing: shared.sharing } : p,
            ),
          },
      );
      refresh();
    },
  });
  return (
    <WorkspaceAppsView
      owner={w.owner}
      name={w.name}
      running={running}
      apps={apps}
      ports={ports}
      onRestart={(app) => restart.mutate(app)}
      restarting={restart.isPending ? restart.variables : undefined}
      restartError={restart.error ?? undefined}
      onShare={(port, level) => share.mutate({ port, level })}
      shareError={share.error ?? undefined}
    />
  );
}
