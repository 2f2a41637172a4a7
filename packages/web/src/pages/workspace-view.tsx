import type { Build, Workspace } from '@hearth/sdk/browser';
import type { UseQueryResult } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { SHOWN_BUILDS } from '../api/queries.js';
import type { WatchState } from '../api/use-watch.js';
import { CopyButton } from '../components/copy-button.js';
import { bytes, countdown, duration, resources, time, why } from '../components/format.js';
import { StateBadge } from '../components/state-badge.js';
import { Empty, Loading, QueryView } from '../components/states.js';
import { useNow } from '../components/use-now.js';
import { BuildLog } from './build-log.js';
import { WorkspaceActions } from './workspace-actions.js';
import { WorkspaceAppsPanel } from './workspace-apps.js';

// xterm.js is loaded only when a terminal is opened.
const Terminal = lazy(() => import('../terminal/terminal.js'));

export function WorkspaceView({
  workspace: w,
  builds,
  watch,
}: {
  workspace: Workspace;
  builds: UseQueryResult<Build[]>;
  watch: WatchState;
}) {
  const now = useNow();
  const [terminals, setTerminals] = useState<number[]>([]);
  const [nextTerminal, setNextTerminal] = useState(1);
  const openTerminal = () => {
    setTerminals((t) => [...t, nextTerminal]);
    setNextTerminal((n) => n + 1);
  };
  // Only the owner gets SSH sessions, so the login is the owner's; the CLI needs the username.
  const sshLines = `hearth login ${window.location.origin} --username ${w.owner}\nhearth config-ssh\nssh hearth.${w.name}`;
  return (
    <article>
      <div className="heading">
        <h1>
          {w.name} <StateBadge state={w.state} />
        </h1>
        {!watch.connected && (
          <span role="status" className="muted">
            (live updates reconnecting…)
          </span>
        )}
      </div>
      <p className="why">{why(w.stateReason)}</p>
      <dl className="facts">
        <dt>Owner</dt>
        <dd>{w.owner}</dd>
        <dt>Image</dt>
        <dd>
          {w.image}{' '}
          {w.outdated && <span className="badge outdated">outdated: a rebuild picks up the new image</span>}
        </dd>
        <dt>Resources</dt>
        <dd>{resources(w.resources)}</dd>
        <dt>Engine</dt>
        <dd>{w.engine}</dd>
        <dt>Disk used</dt>
        <dd>
          {w.disk.usedBytes === null ? `unknown: ${w.disk.usedUnknownReason}` : bytes(w.disk.usedBytes)}{' '}
          <span className="muted">{w.disk.note}</span>
        </dd>
        <dt>Auto-off</dt>
        <dd>
          {w.state === 'running' ? countdown(w.lifecycle.autoOffAt, now) : '—'}
          {w.lifecycle.autoOffWarning && <span className="warning"> {w.lifecycle.autoOffWarning}</span>}
        </dd>
        <dt>Last activity</dt>
        <dd>{time(w.lifecycle.lastActivityAt)}</dd>
      </dl>

      <WorkspaceActions workspace={w} />

      <WorkspaceAppsPanel workspace={w} />

      <section aria-labelledby="terminals">
        <div className="heading">
          <h2 id="terminals">Terminals</h2>
          <button type="button" onClick={openTerminal} disabled={w.state !== 'running'}>
            Open terminal
          </button>
        </div>
        {w.state !== 'running' && terminals.length === 0 && (
          <Empty>Terminals open once the workspace is running.</Empty>
        )}
        {terminals.map((id) => (
          <Suspense key={id} fallback={<Loading what="the terminal" />}>
            <Terminal
              owner={w.owner}
              name={w.name}
              title={`Terminal ${id}`}
              running={w.state === 'running'}
              onClose={() => setTerminals((t) => t.filter((x) => x !== id))}
            />
          </Suspense>
        ))}
      </section>

      <section aria-labelledby="builds">
        <h2 id="builds">Builds</h2>
        <QueryView query={builds} what="builds">
          {(list) =>
            list.length === 0 ? (
              <Empty>No builds yet.</Empty>
            ) : (
              list
                .slice()
                .sort((a, b) => b.number - a.number)
                .slice(0, SHOWN_BUILDS)
                .map((b) => (
                  <BuildCard
                    key={b.number}
                    build={w.lastBuild?.number === b.number ? w.lastBuild : b}
                    workspace={w}
                  />
                ))
            )
          }
        </QueryView>
      </section>

      <section aria-labelledby="ssh">
        <h2 id="ssh">Connect with SSH</h2>
        <p>With the hearth CLI, once per machine and after creating a workspace:</p>
        <pre className="code">{sshLines}</pre>
        <CopyButton text={sshLines} label="Copy SSH commands" />
      </section>
    </article>
  );
}

function BuildCard({ build: b, workspace }: { build: Build; workspace: Workspace }) {
  return (
    <section className="card" aria-label={`Build ${b.number}`}>
      <h3>
        Build #{b.number}: {b.status}
        <span className="muted">
          {' '}
          {b.reason} by {b.initiator} · {time(b.queuedAt)} · {duration(b.durationMs)}
          {b.queuePosition ? ` · position ${b.queuePosition} in the queue` : ''}
        </span>
      </h3>
      <ol className="stages" aria-label={`Stages of build ${b.number}`}>
        {b.stages.map((s) => (
          <li key={s.name} className={`stage stage-${s.status}`}>
            <span className="stage-name">{s.name}</span> <span className="stage-status">{s.status}</span>{' '}
            <span className="muted">{duration(s.durationMs)}</span>
            {s.error && <div className="problem">{s.error}</div>}
          </li>
        ))}
      </ol>
      {b.error && <p className="problem">{b.error}</p>}
      {b.warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      <BuildLog workspace={workspace} build={b} />
    </section>
  );
}
