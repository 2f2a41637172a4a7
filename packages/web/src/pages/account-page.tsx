import type { User } from '@hearth/sdk/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../api/client.js';
import {
  autostartQuery,
  dotfilesQuery,
  gitSshQuery,
  keys,
  secretsQuery,
  sshKeysQuery,
  tokensQuery,
} from '../api/queries.js';
import { CopyButton } from '../components/copy-button.js';
import { Field } from '../components/field.js';
import { time } from '../components/format.js';
import { Section } from '../components/section.js';
import { Empty, ErrorNotice, QueryView } from '../components/states.js';

/** One form's submit: prevents the page load, runs the mutation. */
const onSubmit = (run: () => void) => (e: FormEvent) => {
  e.preventDefault();
  run();
};

function useAccountMutation<T>(part: string, fn: (v: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: keys.account(part) }),
  });
}

export default function AccountPage({ user }: { user: User }) {
  return (
    <section>
      <h1>Account</h1>
      <p>
        Signed in as <strong>{user.username}</strong> ({user.email}){user.siteAdmin ? ', site admin' : ''}.
      </p>
      <Password />
      <Dotfiles />
      <Secrets />
      <SshKeys />
      <GitKey />
      <Tokens />
      <Autostart />
    </section>
  );
}

function Password() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({ mutationFn: () => api.changePassword({ currentPassword, newPassword }) });
  const done = () => {
    setCurrent('');
    setNew('');
  };
  return (
    <Section title="Password">
      <form
        onSubmit={onSubmit(() => change.mutate(undefined, { onSuccess: done }))}
        aria-label="Change password"
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="at least 8 characters"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
        {change.isError && <ErrorNotice error={change.error} />}
        {change.isSuccess && <p role="status">Password changed.</p>}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </Section>
  );
}

function Dotfiles() {
  const query = useQuery(dotfilesQuery());
  const [url, setUrl] = useState('');
  const [branch, setBranch] = useState('');
  const save = useAccountMutation('dotfiles', () => api.setDotfiles({ url, ...(branch ? { branch } : {}) }));
  return (
    <Section title="Dotfiles">
      <QueryView query={query} what="dotfiles">
        {(d) => (
          <p>
            {d.url ? `${d.url}${d.branch ? ` (${d.branch})` : ''}` : 'None set.'} Applied at the personalize
            stage of every build.
          </p>
        )}
      </QueryView>
      <form onSubmit={onSubmit(() => save.mutate(undefined))} aria-label="Dotfiles">
        <Field label="Repository URL" value={url} required onChange={(e) => setUrl(e.target.value)} />
        <Field
          label="Branch"
          value={branch}
          hint="empty: the default branch"
          onChange={(e) => setBranch(e.target.value)}
        />
        {save.isError && <ErrorNotice error={save.error} />}
        <button type="submit">Save dotfiles</button>
      </form>
    </Section>
  );
}

function Secrets() {
  const query = useQuery(secretsQuery());
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const set = useAccountMutation('secrets', () => api.setSecret(name, { value }));
  const remove = useAccountMutation('secrets', (n: string) => api.removeSecret(n));
  return (
    <Section title="Secrets">
      <p className="muted">Values are never shown back; workspaces get them on a tmpfs at the next build.</p>
      <QueryView query={query} what="secrets">
        {(list) =>
          list.length === 0 ? (
            <Empty>No secrets.</Empty>
          ) : (
            <ul>
              {list.map((s) => (
                <li key={s.name}>
                  {s.name}{' '}
                  <button
                    type="button"
                    onClick={() => remove.mutate(s.name)}
                    aria-label={`Remove secret ${s.name}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      <form
        onSubmit={onSubmit(() => set.mutate(undefined, { onSuccess: () => setValue('') }))}
        aria-label="Add a secret"
      >
        <Field label="Secret name" value={name} required onChange={(e) => setName(e.target.value)} />
        <Field
          label="Secret value"
          type="password"
          value={value}
          required
          autoComplete="off"
          onChange={(e) => setValue(e.target.value)}
        />
        {(set.isError || remove.isError) && <ErrorNotice error={set.error ?? remove.error} />}
        <button type="submit">Save secret</button>
      </form>
    </Section>
  );
}

function SshKeys() {
  const query = useQuery(sshKeysQuery());
  const [publicKey, setKey] = useState('');
  const add = useAccountMutation('ssh-keys', () => api.addSshKey({ publicKey }));
  const remove = useAccountMutation('ssh-keys', (id: string) => api.removeSshKey(id));
  return (
    <Section title="SSH keys">
      <QueryView query={query} what="SSH keys">
        {(list) =>
          list.length === 0 ? (
            <Empty>No SSH keys: add one to use the plain SSH listener.</Empty>
          ) : (
            <ul>
              {list.map((k) => (
                <li key={k.id}>
                  {k.name} <code>{k.fingerprint}</code>{' '}
                  <span className="muted">last used {time(k.lastUsedAt)}</span>{' '}
                  <button
                    type="button"
                    onClick={() => remove.mutate(k.id)}
                    aria-label={`Remove SSH key ${k.name}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      <form
        onSubmit={onSubmit(() => add.mutate(undefined, { onSuccess: () => setKey('') }))}
        aria-label="Add an SSH key"
      >
        <Field
          label="Public key"
          value={publicKey}
          required
          placeholder="ssh-ed25519 AAAA… you@laptop"
          onChange={(e) => setKey(e.target.value)}
        />
        {(add.isError || remove.isError) && <ErrorNotice error={add.error ?? remove.error} />}
        <button type="submit">Add SSH key</button>
      </form>
    </Section>
  );
}

function GitKey() {
  const query = useQuery(gitSshQuery());
  const regenerate = useAccountMutation('gitssh', () => api.regenerateGitSshKey());
  const confirmRegenerate = () => {
    if (window.confirm('Replace the git SSH key? Git hosts that know the old key stop accepting it.'))
      regenerate.mutate(undefined);
  };
  return (
    <Section title="Git SSH key">
      <p className="muted">Workspaces get this key for git; add the public half to your git host.</p>
      <QueryView query={query} what="the git key">
        {(k) => (
          <>
            <pre className="code">{k.publicKey}</pre>
            <CopyButton text={k.publicKey} label="Copy git public key" />{' '}
            <button type="button" onClick={confirmRegenerate}>
              Regenerate…
            </button>
          </>
        )}
      </QueryView>
      {regenerate.isError && <ErrorNotice error={regenerate.error} />}
    </Section>
  );
}

function Tokens() {
  const query = useQuery(tokensQuery());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const create = useAccountMutation('tokens', () => api.createToken({ name }));
  const revoke = useAccountMutation('tokens', (id: string) => api.revokeToken(id));
  return (
    <Section title="API tokens">
      <QueryView query={query} what="tokens">
        {(list) =>
          list.length === 0 ? (
            <Empty>No API tokens.</Empty>
          ) : (
            <ul>
              {list.map((t) => (
                <li key={t.id}>
                  {t.name} <span className="muted">last used {time(t.lastUsedAt)}</span>{' '}
                  <button
                    type="button"
                    onClick={() => revoke.mutate(t.id)}
                    aria-label={`Revoke token ${t.name}`}
                  >
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      <form
        onSubmit={onSubmit(() =>
          create.mutate(undefined, { onSuccess: (t) => setCreated((t as { token: string }).token) }),
        )}
        aria-label="Create an API token"
      >
        <Field label="Token name" value={name} required onChange={(e) => setName(e.target.value)} />
        {(create.isError || revoke.isError) && <ErrorNotice error={create.error ?? revoke.error} />}
        <button type="submit">Create token</button>
      </form>
      {created && (
        <div role="status" className="card">
          <p>Copy the token now: it is shown only once.</p>
          <pre className="code">{created}</pre>
          <CopyButton text={created} label="Copy the new token" />
        </div>
      )}
    </Section>
  );
}

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zones: string[] = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
  'timeZone',
) ?? [browserZone];

function Autostart() {
  const query = useQuery(autostartQuery());
  const [timeOfDay, setTime] = useState('08:30');
  const [zone, setZone] = useState(browserZone);
  const [days, setDays] = useState('mon-fri');
  const zoneId = useId();
  const save = useAccountMutation('autostart', () =>
    api.putAutostart({ time: timeOfDay, timezone: zone, days }),
  );
  const clear = useAccountMutation('autostart', () => api.deleteAutostart());
  return (
    <Section title="Auto-start schedule">
      <QueryView query={query} what="the schedule">
        {(s) =>
          s ? (
            <p>
              {s.time} {s.timezone} on {s.days.join(', ')}; next at {time(s.nextFireAt)}.{' '}
              <button type="button" onClick={() => clear.mutate(undefined)}>
                Remove schedule
              </button>
            </p>
          ) : (
            <Empty>No schedule: workspaces opted in to auto-start are not started.</Empty>
          )
        }
      </QueryView>
      <form onSubmit={onSubmit(() => save.mutate(undefined))} aria-label="Auto-start schedule">
        <Field
          label="Time"
          type="time"
          value={timeOfDay}
          required
          onChange={(e) => setTime(e.target.value)}
        />
        <div className="field">
          <label htmlFor={zoneId}>Time zone</label>
          <select id={zoneId} value={zone} onChange={(e) => setZone(e.target.value)}>
            {(zones.includes(zone) ? zones : [zone, ...zones]).map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </div>
        <Field
          label="Days"
          value={days}
          hint="mon-fri, mon,wed,fri or every"
          onChange={(e) => setDays(e.target.value)}
        />
        {(save.isError || clear.isError) && <ErrorNotice error={save.error ?? clear.error} />}
        <button type="submit">Save schedule</button>
      </form>
    </Section>
  );
}
