/**
 * Follows one workspace's watch stream: every snapshot replaces the cached workspace (and its
 * builds are refetched when the last build changes). A dropped stream reconnects after a pause.
 * (Log lines are followed by the build's own log stream.)
 */
import type { Workspace } from '@hearth/sdk/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { reportConnection } from '../components/connection.js';
import { api, isNotFound, isSignedOut, isUnreachable } from './client.js';
import { keys } from './queries.js';

export interface WatchState {
  readonly connected: boolean;
}

export function useWatch(owner: string, name: string): WatchState {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    let last: string | undefined;
    const onWorkspace = (w: Workspace) => {
      client.setQueryData(keys.workspace(owner, name), w);
      const build = w.lastBuild ? `${w.lastBuild.number}:${w.lastBuild.status}` : '';
      if (build !== last) void client.invalidateQueries({ queryKey: keys.builds(owner, name) });
      last = build;
    };
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          for await (const ev of api.watchWorkspace(owner, name, { signal: abort.signal })) {
            setConnected(true);
            reportConnection(true);
            if (ev.event === 'workspace') onWorkspace(ev.data);
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          if (isUnreachable(err)) reportConnection(false);
          if (isNotFound(err) || isSignedOut(err)) {
            void client.invalidateQueries({
              queryKey: isSignedOut(err) ? keys.me : keys.workspace(owner, name),
            });
            return;
          }
        }
        setConnected(false);
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    void run();
    return () => abort.abort();
  }, [client, owner, name]);
  return { connected };
}
