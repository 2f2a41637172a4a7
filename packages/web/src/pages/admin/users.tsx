import { nameProblem } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.js';
import { keys, usersQuery } from '../../api/queries.js';
import { Field } from '../../components/field.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { ErrorNotice, QueryView } from '../../components/states.js';

export function Users() {
  const client = useQueryClient();
  const query = useInfiniteQuery(usersQuery());
  const [form, setForm] = useState({ username: '', email: '', password: '' });
  const done = () => client.invalidateQueries({ queryKey: keys.users });
  const create = useMutation({ mutationFn: () => api.createUser(form), onSuccess: done });
  const toggle = useMutation({
    mutationFn: (u: { username: string; suspended: boolean }) =>
      u.suspended ? api.activateUser(u.username) : api.suspendUser(u.username),
    onSuccess: done,
  });
  const problem = form.username ? nameProblem('user', form.username) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(undefined, { onSuccess: () => setForm({ username: '', email: '', password: '' }) });
  };
  return (
    <Section title="Users">
      <QueryView query={query} what="users">
        {(list) => (
          <table aria-label="Users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.email}</td>
                  <td>
                    {[u.siteAdmin ? 'site admin' : '', ...u.orgs.map((o) => `${o.name}: ${o.role}`)]
                      .filter(Boolean)
                      .join(', ')}
                  </td>
                  <td>
                    {u.suspended ? 'suspended' : 'active'}{' '}
                    <button
                      type="button"
                      onClick={() => toggle.mutate(u)}
                      aria-label={`${u.suspended ? 'Activate' : 'Suspend'} ${u.username}`}
                    >
                      {u.suspended ? 'Activate' : 'Suspend'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
      {query.data && <LoadMore query={query} shown={query.data.length} what="user" />}
      {toggle.isError && <ErrorNotice error={toggle.error} />}
      <form onSubmit={submit} aria-label="Create a user">
        <Field
          label="New username"
          value={form.username}
          problem={problem}
          required
          onChange={(e) => setForm({ ...form, username: e.target.value })}
        />
        <Field
          label="New user's email"
          type="email"
          value={form.email}
          required
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
        <Field
          label="Initial password"
          type="password"
          value={form.password}
          required
          autoComplete="new-password"
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        {create.isError && <ErrorNotice error={create.error} />}
        <button type="submit" disabled={!!problem || create.isPending}>
          Create user
        </button>
      </form>
    </Section>
  );
}
