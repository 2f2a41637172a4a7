import type { Org } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.js';
import { keys, membersQuery, policyQuery } from '../../api/queries.js';
import { Field } from '../../components/field.js';
import { Form, useForm } from '../../components/form.js';
import { bytes } from '../../components/format.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { QueryView } from '../../components/states.js';

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
  const done = () => client.invalidateQueries({ queryKey: keys.members(org) });
  const add = useForm({ username: '' }, ({ username }) => api.putMember(org, username, { role: 'member' }), {
    invalidates: keys.members(org),
    reset: true,
  });
  const put = useMutation({
    mutationFn: (m: { user: string; role: 'admin' | 'member' }) =>
      api.putMember(org, m.user, { role: m.role }),
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: (user: string) => api.removeMember(org, user), onSuccess: done });
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
      <Form form={add} label="Add a member" submit="Add member" also={[put, remove]}>
        <Field label="Username to add" required {...add.field('username')} />
      </Form>
    </Section>
  );
}

function Limits({ org }: { org: Org }) {
  const l = org.limits;
  const form = useForm(
    { maxCpu: String(l.maxCpu), maxMemory: bytes(l.maxMemory) },
    (v) => api.updateOrgLimits(org.name, v),
    { invalidates: keys.orgs },
  );
  return (
    <Section title="Limits">
      <p>
        Per workspace: {l.maxCpu} CPU, {bytes(l.maxMemory)}, {bytes(l.maxDisk)} disk, {l.maxGpus} GPU. Per
        member (running workspaces together): {l.memberCpuQuota} CPU, {bytes(l.memberMemoryQuota)}.
      </p>
      <Form form={form} label="Limits" submit="Save limits">
        <Field label="Max CPU per workspace" {...form.field('maxCpu')} />
        <Field label="Max memory per workspace" {...form.field('maxMemory')} />
      </Form>
    </Section>
  );
}

function Policy({ org }: { org: string }) {
  const query = useQuery(policyQuery(org));
  const form = useForm({ autoOff: '' }, (v) => api.updateOrgPolicy(org, v), {
    invalidates: keys.policy(org),
  });
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
      <Form form={form} label="Lifecycle policy" submit="Save policy">
        <Field label="Auto-off after" required hint="2h, 90m, or 0 for never" {...form.field('autoOff')} />
      </Form>
    </Section>
  );
}
