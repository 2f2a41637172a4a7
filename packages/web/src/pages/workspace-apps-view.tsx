/**
 * The workspace page's apps and ports, rendered from props only: the apps the image declares
 * (icon, health in words and colour, Open in a new tab, Restart) and the ports listening now
 * (Open, and who may open each, within what the org allows).
 */
import {
  API_PREFIX,
  type AppHealth,
  type ListeningPort,
  type ListeningPorts,
  paths,
  type ShareLevel,
  type WorkspaceApp,
  type WorkspaceApps,
} from '@hearth/sdk/browser';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty, ErrorNotice, QueryView } from '../components/states.js';

const HEALTH: Record<AppHealth, { word: string; tone: string; why: string }> = {
  healthy: { word: 'Healthy', tone: 'ok', why: 'its health check passes' },
  unhealthy: {
    word: 'Not responding',
    tone: 'bad',
    why: 'its health check fails: see ~/.local/state/hearth/apps/',
  },
  no_check: { word: 'No health check', tone: 'muted', why: 'the image declares no health check for it' },
  workspace_not_running: {
    word: 'Workspace not running',
    tone: 'muted',
    why: 'apps run while the workspace runs',
  },
};

const LEVELS: readonly ShareLevel[] = ['owner', 'authenticated', 'public'];
export const WHO: Record<ShareLevel, string> = {
  owner: 'Only you',
  authenticated: 'Anyone signed in to Hearth',
  public: 'Anyone with the link',
};

export interface WorkspaceAppsViewProps {
  readonly owner: string;
  readonly name: string;
  readonly running: boolean;
  readonly apps: UseQueryResult<WorkspaceApps>;
  readonly ports: UseQueryResult<ListeningPorts>;
  readonly onRestart: (app: string) => void;
  readonly restarting: string | undefined;
  readonly restartError: unknown;
  readonly onShare: (port: number, level: ShareLevel) => void;
  readonly shareError: unknown;
}

export function WorkspaceAppsView(p: WorkspaceAppsViewProps) {
  return (
    <>
      <section aria-labelledby="apps">
        <h2 id="apps">Apps</h2>
        <QueryView query={p.apps} what="apps">
          {(list) =>
            list.apps.length === 0 ? (
              <Empty>
                This workspace's image declares no apps. Any web server you start in the workspace shows up
                under Ports.
              </Empty>
            ) : (
              <ul className="apps" aria-label="Apps">
                {list.apps.map((app) => (
                  <AppLauncher
                    key={app.name}
                    app={app}
                    iconUrl={
                      app.iconPath && p.running
                        ? `${API_PREFIX}${paths.appIcon(p.owner, p.name, app.name)}`
                        : undefined
                    }
                    onRestart={() => p.onRestart(app.name)}
                    restarting={p.restarting === app.name}
                    running={p.running}
                  />
                ))}
              </ul>
            )
          }
        </QueryView>
        {p.restartError !== undefined && p.restartError !== null && <ErrorNotice error={p.restartError} />}
      </section>

      <section aria-labelledby="ports">
        <h2 id="ports">Ports</h2>
        <p className="muted">
          Every web server listening in the workspace (on localhost or on all addresses) gets its own link.
          Only you can open it until you share it.
        </p>
        {!p.running ? (
          <Empty>Ports are listed while the workspace is running.</Empty>
        ) : (
          <QueryView query={p.ports} what="ports">
            {(list) => <PortsTable list={list} onShare={p.onShare} />}
          </QueryView>
        )}
        {p.shareError !== undefined && p.shareError !== null && <ErrorNotice error={p.shareError} />}
      </section>
    </>
  );
}

function AppLauncher({
  app,
  iconUrl,
  onRestart,
  restarting,
  running,
}: {
  app: WorkspaceApp;
  iconUrl: string | undefined;
  onRestart: () => void;
  restarting: boolean;
  running: boolean;
}) {
  const health = HEALTH[app.health];
  return (
    <li className="card app" aria-label={`App ${app.name}`}>
      <AppIcon name={app.name} url={iconUrl} />
      <div className="app-main">
        <strong>{app.name}</strong>{' '}
        <span className={`badge tone-${health.tone}`} title={health.why}>
          {health.word}
        </span>
        <div className="muted">
          port {app.port} · {WHO[app.sharing].toLowerCase()} can open it
        </div>
      </div>
      <div className="actions">
        {running ? (
          <a
            className="button primary"
            href={app.url}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Open ${app.name}`}
          >
            Open
          </a>
        ) : (
          <button type="button" className="primary" disabled aria-label={`Open ${app.name}`}>
            Open
          </button>
        )}
        {app.command !== null && (
          <button
            type="button"
            onClick={onRestart}
            disabled={!running || restarting}
            aria-label={`Restart ${app.name}`}
            title={`Runs again: ${app.command}`}
          >
            {restarting ? 'Restarting…' : 'Restart'}
          </button>
        )}
      </div>
    </li>
  );
}

/** The image's icon, or the app's initial when there is none or it does not load. */
function AppIcon({ name, url }: { name: string; url: string | undefined }) {
  const [failed, setFailed] = useState(false);
  if (url && !failed) return <img className="app-icon" src={url} alt="" onError={() => setFailed(true)} />;
  return (
    <span className="app-icon app-letter" aria-hidden="true">
      {name.charAt(0).toUpperCase()}
    </span>
  );
}

function PortsTable({
  list,
  onShare,
}: {
  list: ListeningPorts;
  onShare: (port: number, level: ShareLevel) => void;
}) {
  if (list.ports.length === 0)
    return (
      <Empty>
        Nothing is listening yet. Start a server in the workspace on 127.0.0.1 or 0.0.0.0 (e.g.{' '}
        <code>python3 -m http.server 3000</code>, where the image has python3) and it appears here within a
        few seconds.
      </Empty>
    );
  const allowed = LEVELS.indexOf(list.maxShareLevel);
  return (
    <div className="table-wrap">
      <table aria-label="Listening ports">
        <thead>
          <tr>
            <th scope="col">Port</th>
            <th scope="col">App</th>
            <th scope="col">Who can open it</th>
            <th scope="col">
              <span className="sr-only">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.ports.map((port: ListeningPort) => (
            <tr key={port.port}>
              <th scope="row">{port.port}</th>
              <td>{port.app ?? <span className="muted">—</span>}</td>
              <td>
                <select
                  aria-label={`Who can open port ${port.port}`}
                  value={port.sharing}
                  onChange={(e) => onShare(port.port, e.target.value as ShareLevel)}
                >
                  {LEVELS.map((level, i) => (
                    <option key={level} value={level}>
                      {WHO[level]}
                      {i > allowed ? ' (not allowed by your org)' : ''}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <a
                  className="button"
                  href={port.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={`Open port ${port.port}`}
                >
                  Open
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
