import type { UpdateWorkspaceLifecycleRequest, Workspace } from '@hearth/sdk/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client.js';
import { keys } from '../api/queries.js';
import { Field } from '../components/field.js';
import { MutationError } from '../components/form.js';
import {
  type ResourceInput,
  ResourcesFields,
  resourceBody,
  resourceInput,
} from '../components/resources-fields.js';

/** Stop, start, rebuild with edited resources, lifecycle settings, and delete (typing the name). */
export function WorkspaceActions({ workspace: w }: { workspace: Workspace }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [panel, setPanel] = useState<'none' | 'rebuild' | 'delete'>('none');
  const [res, setRes] = useState<ResourceInput>(resourceInput(w.resources));
  const [confirmName, setConfirmName] = useState('');
  const refresh = (next: Workspace) => {
    client.setQueryData(keys.workspace(w.owner, w.name), next);
    void client.invalidateQueries({ queryKey: keys.builds(w.owner, w.name) });
    void client.invalidateQueries({ queryKey: keys.workspaces, exact: true });
  };
  const stop = useMutation({ mutationFn: () => api.stop(w.owner, w.name), onSuccess: refresh });
  const start = useMutation({ mutationFn: () => api.start(w.owner, w.name), onSuccess: refresh });
  const rebuild = useMutation({
    mutationFn: () => api.rebuild(w.owner, w.name, resourceBody(res)),
    onSuccess: (next) => {
      refresh(next);
      setPanel('none');
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deleteWorkspace(w.owner, w.name),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.workspaces });
      void navigate('/');
    },
  });
  const lifecycle = useMutation({
    mutationFn: (body: UpdateWorkspaceLifecycleRequest) =>
      api.updateWorkspaceLifecycle(w.owner, w.name, body),
    onSuccess: refresh,
  });
  const [autoOff, setAutoOff] = useState(w.lifecycle.autoOff ?? '');
  const onAutoOff = (e: FormEvent) => {
    e.preventDefault();
    lifecycle.mutate({ autoOff: autoOff.trim() || null });
  };
  const onRebuild = (e: FormEvent) => {
    e.preventDefault();
    rebuild.mutate();
  };
  const onDelete = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate();
  };
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">Actions</h2>
      <div className="actions">
        <button
          type="button"
          onClick={() => stop.mutate()}
          disabled={stop.isPending || !['running', 'building', 'pending'].includes(w.state)}
        >
          Stop
        </button>
        <button
          type="button"
          onClick={() => start.mutate()}
          disabled={start.isPending || !['stopped', 'failed'].includes(w.state)}
        >
          Start
        </button>
        <button
          type="button"
          onClick={() => setPanel(panel === 'rebuild' ? 'none' : 'rebuild')}
          aria-expanded={panel === 'rebuild'}
        >
          Rebuild…
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setPanel(panel === 'delete' ? 'none' : 'delete')}
          aria-expanded={panel === 'delete'}
        >
          Delete…
        </button>
        <label className="inline">
          <input
            type="checkbox"
            checked={w.lifecycle.autostart}
            onChange={(e) => lifecycle.mutate({ autostart: e.target.checked })}
          />{' '}
          Auto-start with my schedule
        </label>
      </div>
      <form onSubmit={onAutoOff} aria-label="Own auto-off" className="actions">
        <Field
          label="My auto-off (shorter than the org's)"
          value={autoOff}
          placeholder="e.g. 30m; empty: the org's"
          onChange={(e) => setAutoOff(e.target.value)}
        />
        <button type="submit" disabled={lifecycle.isPending}>
          Save auto-off
        </button>
      </form>
      <MutationError of={[stop, start, rebuild, remove, lifecycle]} />
      {panel === 'rebuild' && (
        <form onSubmit={onRebuild} aria-label="Rebuild">
          <p>
            A rebuild makes a new container from the latest image; everything outside the home directory is
            replaced. The home directory stays.
          </p>
          <ResourcesFields value={res} onChange={setRes} />
          <button type="submit" className="primary" disabled={rebuild.isPending}>
            Rebuild now
          </button>
        </form>
      )}
      {panel === 'delete' && (
        <form onSubmit={onDelete} aria-label="Delete workspace" className="danger-zone">
          <p role="note">
            Deleting removes the container <strong>and the home volume{w.home ? ` (${w.home})` : ''}</strong>:
            every file in it is lost for good.
          </p>
          <Field
            label={`Type ${w.name} to confirm`}
            value={confirmName}
            autoComplete="off"
            onChange={(e) => setConfirmName(e.target.value)}
          />
          <button type="submit" className="danger" disabled={confirmName !== w.name || remove.isPending}>
            Delete workspace and home volume
          </button>
        </form>
      )}
    </section>
  );
}
