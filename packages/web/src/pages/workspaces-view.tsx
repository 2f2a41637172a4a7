import type { Workspace } from '@hearth/sdk/browser';
import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import { memo, useDeferredValue, useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { countdown, duration, resources, why } from '../components/format.js';
import { LoadMore } from '../components/load-more.js';
import { StateBadge } from '../components/state-badge.js';
import { Empty, QueryView } from '../components/states.js';
import { useNow } from '../components/use-now.js';

const STATES = ['all', 'running', 'building', 'pending', 'stopping', 'stopped', 'failed', 'deleting'];

export function WorkspacesView({ query }: { query: UseInfiniteQueryResult<Workspace[]> }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState('all');
  const deferred = useDeferredValue(search);
  const searchId = useId();
  const stateId = useId();
  return (
    <section>
      <div className="heading">
        <h1>Workspaces</h1>
        <Link className="button primary" to="/new">
          New workspace
        </Link>
      </div>
      <div className="filters">
        <label htmlFor={searchId}>Search workspaces</label>
        <input
          id={searchId}
          type="search"
          value={search}
          placeholder="name, image or owner"
          onChange={(e) => setSearch(e.target.value)}
        />
        <label htmlFor={stateId}>State</label>
        <select id={stateId} value={state} onChange={(e) => setState(e.target.value)}>
          {STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        {query.hasNextPage && (
          <p className="muted">
            Search and State look only at the {query.data?.length} workspaces loaded so far.
          </p>
        )}
      </div>
      <QueryView query={query} what="workspaces">
        {(all) => (
          <>
            <WorkspaceTable all={all} search={deferred} state={state} />
            {all.length > 0 && <LoadMore query={query} shown={all.length} what="workspace" />}
          </>
        )}
      </QueryView>
    </section>
  );
}

function WorkspaceTable({ all, search, state }: { all: Workspace[]; search: string; state: string }) {
  const now = useNow();
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    return all.filter(
      (w) =>
        (state === 'all' || w.state === state) &&
        (!q || w.name.includes(q) || w.image.toLowerCase().includes(q) || w.owner.includes(q)),
    );
  }, [all, search, state]);
  if (all.length === 0) return <Empty>No workspaces yet. Create one from your organization's images.</Empty>;
  if (rows.length === 0) return <Empty>No workspace matches these filters.</Empty>;
  return (
    <div className="table-wrap">
      <table aria-label="Workspaces">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Image</th>
            <th scope="col">Resources</th>
            <th scope="col">Auto-off</th>
            <th scope="col">Last build</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <WorkspaceRow key={w.id} w={w} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Memoized: a refetch keeps unchanged rows' objects (structural sharing), so only changed rows render.
const WorkspaceRow = memo(function WorkspaceRow({ w, now }: { w: Workspace; now: number }) {
  return (
    <tr>
      <td>
        <Link to={`/workspaces/${encodeURIComponent(w.owner)}/${encodeURIComponent(w.name)}`}>{w.name}</Link>
        <div className="muted">{w.owner}</div>
      </td>
      <td>
        <StateBadge state={w.state} />
        <div className="muted why">{why(w.stateReason)}</div>
      </td>
      <td>
        {w.image} {w.outdated && <span className="badge outdated">outdated</span>}
      </td>
      <td>{resources(w.resources)}</td>
      <td>
        {w.state === 'running' ? countdown(w.lifecycle.autoOffAt, now) : '—'}
        {w.lifecycle.autoOffWarning && <div className="warning">{w.lifecycle.autoOffWarning}</div>}
        {w.lifecycle.autostart && <div className="muted">auto-start on</div>}
      </td>
      <td>
        {w.lastBuild
          ? `#${w.lastBuild.number} ${w.lastBuild.status} · ${duration(w.lastBuild.durationMs)}`
          : '—'}
      </td>
    </tr>
  );
});
