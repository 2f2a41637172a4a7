import { addressNameProblem } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.js';
import { keys, usersQuery } from '../../api/queries.js';
import { Field } from '../../components/field.js';
import { Form, useForm } from '../../components/form.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { ErrorNotice, QueryView } from '../../components/states.js';

export function Users() {
  const client = useQueryClient();
  const query = useInfiniteQuery(usersQuery());
  const done = () => client.invalidateQueries({ queryKey: keys.users });
  const form = useForm({ username: '', email: '', password: '' }, (v) => api.createUser(v), {
    invalidates: keys.users,
    reset: true,
  });
  const toggle = useMutation({
    mutationFn: (u: { username: string; suspended: boolean }) =>
      u.suspended ? api.activateUser(u.username) : api.suspendUser(u.username),
    onSuccess: done,
  });
  const { username } = form.values;
  const problem = username ? addressNameProblem('user', username) : undefined;
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
      <Form form={form} label="Create a user" submit="Create user" blocked={!!problem}>
        <Field label="New username" problem={problem} required {...form.field('username')} />
        <Field label="New user's email" type="email" required {...form.field('email')} />
        <Field
          label="Initial password"
          type="password"
          required
          autoComplete="new-password"
          {...form.field('password')}
        />
      </Form>
    </Section>
  );
}
