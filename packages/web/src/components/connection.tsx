/**
 * The server-connection banner: when a request finds no server (a restart, the network), it says
 * "reconnecting", polls the server, and once it answers refetches everything.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client.js';

let lost = false;
const listeners = new Set<() => void>();

/** Called by the query cache (and streams) when the server did or did not answer. */
export function reportConnection(ok: boolean): void {
  if (lost === !ok) return;
  lost = !ok;
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export const useConnectionLost = (): boolean => useSyncExternalStore(subscribe, () => lost);

export function ConnectionBanner() {
  const isLost = useConnectionLost();
  const client = useQueryClient();
  useEffect(() => {
    if (!isLost) return;
    const timer = setInterval(() => {
      api.setupStatus().then(
        () => {
          reportConnection(true);
          void client.invalidateQueries();
        },
        () => undefined,
      );
    }, 1500);
    return () => clearInterval(timer);
  }, [isLost, client]);
  if (!isLost) return null;
  return (
    <div role="status" className="banner">
      Reconnecting to the server… (it may be restarting; this page refreshes itself when it is back)
    </div>
  );
}
