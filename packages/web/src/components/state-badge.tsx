import type { WorkspaceState } from '@hearth/sdk/browser';

export function StateBadge({ state }: { state: WorkspaceState | string }) {
  return <span className={`badge state-${state}`}>{state}</span>;
}
