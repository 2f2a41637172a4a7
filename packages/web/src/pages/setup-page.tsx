import { addressNameProblem } from '@hearth/sdk/browser';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { Field } from '../components/field.js';
import { Form, useForm } from '../components/form.js';

/** First start: the first user becomes the site admin (and the org `default` is created). */
export function SetupPage() {
  const client = useQueryClient();
  const form = useForm({ username: '', email: '', password: '' }, (v) => api.setup(v), {
    onSuccess: () => client.invalidateQueries(),
  });
  const { username } = form.values;
  const problem = username ? addressNameProblem('user', username) : undefined;
  return (
    <main className="narrow">
      <h1>Welcome to Hearth</h1>
      <p>Create the first account. It becomes the site admin, and the organization “default” is created.</p>
      <Form form={form} label="Set up Hearth" submit="Create admin account" primary blocked={!!problem}>
        <Field
          label="Username"
          autoComplete="username"
          required
          problem={problem}
          {...form.field('username')}
        />
        <Field label="Email" type="email" required {...form.field('email')} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          {...form.field('password')}
        />
      </Form>
    </main>
  );
}
