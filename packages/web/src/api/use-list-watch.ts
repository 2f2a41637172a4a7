/**
 * Keeps the cached workspace list live from `GET /workspaces/watch`: each snapshot replaces (or
 * adds, at the end of the pages loaded) its row, `gone` removes it. After a dropped stream the
 * list is refetched (it may have missed events) and the stream reopened.
 */
import type { Workspace } from '@hearth/sdk/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { reportConnection } from '../components/connection.js';
import { api, isSignedOut, isUnreachable } from './client.js';
import { type Pages, removeItem, upsertItem } from './paged.js';
import { keys } from './queries.js';

export function useListWatch(): void {
  const client = useQueryClient();
  useEffect(() => {
    const abort = new AbortController();
    const update = (fn: (list: Pages<Workspace>) => Pages<Workspace>) =>
      client.setQueryData<Pages<Workspace>>(keys.workspaces, (list) => list && fn(list));
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          for await (const ev of api.watchWorkspaces({ signal: abort.signal })) {
            if (ev.event === 'workspace') {
              const w = ev.data;
              update((list) => upsertItem(list, w));
            } else update((list) => removeItem(list, ev.data.id));
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          if (isUnreachable(err)) reportConnection(false);
          if (isSignedOut(err)) return void client.invalidateQueries({ queryKey: keys.me });
        }
        await new Promise((r) => setTimeout(r, 2000));
        void client.invalidateQueries({ queryKey: keys.workspaces, exact: true });
      }
    };
    void run();
    return () => abort.abort();
  }, [client]);
}
