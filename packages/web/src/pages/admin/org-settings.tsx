import type { Org } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.js';
import { keys, membersQuery, policyQuery } from '../../api/queries.js';
import { Field } from '../../components/field.js';
import { bytes } from '../../components/format.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { ErrorNotice, QueryView } from '../../components/states.js';

/** An org's members and roles, resource limits, and lifecycle policy. */
export function OrgSettings({ org }: { org: Org }) {
  return (
    <>
      <Members org={org.name} />
      <Limits org={org} />
      <Policy org={org.name} />
    </>
  );
}

function Members({ org }: { org: string }) {
  const client = useQueryClient();
  const query = useInfiniteQuery(membersQuery(org));
  const [username, setUsername] = useState('');
  const done = () => client.invalidateQueries({ queryKey: keys.members(org) });
  const put = useMutation({
    mutationFn: (m: { user: string; role: 'admin' | 'member' }) =>
      api.putMember(org, m.user, { role: m.role }),
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: (user: string) => api.removeMember(org, user), onSuccess: done });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    put.mutate({ user: username, role: 'member' }, { onSuccess: () => setUsername('') });
  };
  return (
    <Section title={`Members of ${org}`}>
      <QueryView query={query} what="members">
        {(list) => (
          <ul>
            {list.map((m) => (
              <li key={m.username}>
                {m.username} ({m.role}){' '}
                <button
                  type="button"
                  onClick={() =>
                    put.mutate({ user: m.username, role: m.role === 'admin' ? 'member' : 'admin' })
                  }
                  aria-label={`Make ${m.username} ${m.role === 'admin' ? 'a member' : 'an admin'}`}
                >
                  {m.role === 'admin' ? 'Make member' : 'Make admin'}
                </button>{' '}
                <button
                  type="button"
                  onClick={() => remove.mutate(m.username)}
                  aria-label={`Remove ${m.username} from ${org}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      {query.data && <LoadMore query={query} shown={query.data.length} what="member" />}
      <form onSubmit={submit} aria-label="Add a member">
        <Field
          label="Username to add"
          value={username}
          required
          onChange={(e) => setUsername(e.target.value)}
        />
        {(put.isError || remove.isError) && <ErrorNotice error={put.error ?? remove.error} />}
        <button type="submit">Add member</button>
      </form>
    </Section>
  );
}

function Limits({ org }: { org: Org }) {
  const client = useQueryClient();
  const l = org.limits;
  const [form, setForm] = useState({
    maxCpu: String(l.maxCpu),
    maxMemory: bytes(l.maxMemory).replace(' ', ''),
  });
  const save = useMutation({
    mutationFn: () => api.updateOrgLimits(org.name, { maxCpu: form.maxCpu, maxMemory: form.maxMemory }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.orgs }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Section title="Limits">
      <p>
        Per workspace: {l.maxCpu} CPU, {bytes(l.maxMemory)}, {bytes(l.maxDisk)} disk, {l.maxGpus} GPU. Per
        member (running workspaces together): {l.memberCpuQuota} CPU, {bytes(l.memberMemoryQuota)}.
      </p>
      <form onSubmit={submit} aria-label="Limits">
        <Field
          label="Max CPU per workspace"
          value={form.maxCpu}
          onChange={(e) => setForm({ ...form, maxCpu: e.target.value })}
        />
        <Field
          label="Max memory per workspace"
          value={form.maxMemory}
          onChange={(e) => setForm({ ...form, maxMemory: e.target.value })}
        />
        {save.isError && <ErrorNotice error={save.error} />}
        <button type="submit">Save limits</button>
      </form>
    </Section>
  );
}

function Policy({ org }: { org: string }) {
  const client = useQueryClient();
  const query = useQuery(policyQuery(org));
  const [autoOff, setAutoOff] = useState('');
  const save = useMutation({
    mutationFn: () => api.updateOrgPolicy(org, { autoOff }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.policy(org) }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Section title="Lifecycle policy">
      <QueryView query={query} what="the policy">
        {(p) => (
          <p>
            Auto-off after {p.autoOff === '0' ? 'never' : p.autoOff} idle; owners{' '}
            {p.userOverride ? 'may' : 'may not'} choose a shorter one. Auto-start on{' '}
            {p.autostartDays.join(', ')}
            {p.skipUnusedDays ? `, skipping workspaces unused for ${p.skipUnusedDays} days` : ''}.
          </p>
        )}
      </QueryView>
      <form onSubmit={submit} aria-label="Lifecycle policy">
        <Field
          label="Auto-off after"
          value={autoOff}
          required
          hint="2h, 90m, or 0 for never"
          onChange={(e) => setAutoOff(e.target.value)}
        />
        {save.isError && <ErrorNotice error={save.error} />}
        <button type="submit">Save policy</button>
      </form>
    </Section>
  );
}
