import type { User } from '@hearth/sdk/browser';
import { MIN_NEW_PASSWORD_LENGTH } from '@hearth/sdk/password-rules';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
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
import { Form, useForm } from '../components/form.js';
import { time } from '../components/format.js';
import { Section } from '../components/section.js';
import { Empty, ErrorNotice, QueryView } from '../components/states.js';

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
  const form = useForm({ currentPassword: '', newPassword: '' }, (v) => api.changePassword(v), {
    reset: true,
  });
  return (
    <Section title="Password">
      <Form
        form={form}
        label="Change password"
        submit="Change password"
        status={form.mutation.isSuccess && <p role="status">Password changed.</p>}
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          {...form.field('currentPassword')}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_NEW_PASSWORD_LENGTH}
          hint={`at least ${MIN_NEW_PASSWORD_LENGTH} characters`}
          {...form.field('newPassword')}
        />
      </Form>
    </Section>
  );
}

function Dotfiles() {
  const query = useQuery(dotfilesQuery());
  const form = useForm(
    { url: '', branch: '' },
    ({ url, branch }) => api.setDotfiles({ url, ...(branch ? { branch } : {}) }),
    { invalidates: keys.account('dotfiles') },
  );
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
      <Form form={form} label="Dotfiles" submit="Save dotfiles">
        <Field label="Repository URL" required {...form.field('url')} />
        <Field label="Branch" hint="empty: the default branch" {...form.field('branch')} />
      </Form>
    </Section>
  );
}

function Secrets() {
  const query = useQuery(secretsQuery());
  const form = useForm({ name: '', value: '' }, ({ name, value }) => api.setSecret(name, { value }), {
    invalidates: keys.account('secrets'),
    reset: ['value'],
  });
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
      <Form form={form} label="Add a secret" submit="Save secret" also={[remove]}>
        <Field label="Secret name" required {...form.field('name')} />
        <Field label="Secret value" type="password" required autoComplete="off" {...form.field('value')} />
      </Form>
    </Section>
  );
}

function SshKeys() {
  const query = useQuery(sshKeysQuery());
  const form = useForm({ publicKey: '' }, (v) => api.addSshKey(v), {
    invalidates: keys.account('ssh-keys'),
    reset: true,
  });
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
      <Form form={form} label="Add an SSH key" submit="Add SSH key" also={[remove]}>
        <Field
          label="Public key"
          required
          placeholder="ssh-ed25519 AAAA… you@laptop"
          {...form.field('publicKey')}
        />
      </Form>
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
  const [created, setCreated] = useState<string>();
  const form = useForm({ name: '' }, (v) => api.createToken(v), {
    invalidates: keys.account('tokens'),
    onSuccess: (t) => setCreated(t.token),
  });
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
      <Form form={form} label="Create an API token" submit="Create token" also={[revoke]}>
        <Field label="Token name" required {...form.field('name')} />
      </Form>
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
  const form = useForm(
    { time: '08:30', timezone: browserZone, days: 'mon-fri' },
    (v) => api.putAutostart(v),
    {
      invalidates: keys.account('autostart'),
    },
  );
  const zone = form.values.timezone;
  const zoneId = useId();
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
      <Form form={form} label="Auto-start schedule" submit="Save schedule" also={[clear]}>
        <Field label="Time" type="time" required {...form.field('time')} />
        <div className="field">
          <label htmlFor={zoneId}>Time zone</label>
          <select id={zoneId} {...form.field('timezone')}>
            {(zones.includes(zone) ? zones : [zone, ...zones]).map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </div>
        <Field label="Days" hint="mon-fri, mon,wed,fri or every" {...form.field('days')} />
      </Form>
    </Section>
  );
}
