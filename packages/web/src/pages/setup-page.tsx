import { nameProblem } from '@hearth/sdk/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.js';
import { Field } from '../components/field.js';
import { ErrorNotice } from '../components/states.js';

/** First start: the first user becomes the site admin (and the org `default` is created). */
export function SetupPage() {
  const client = useQueryClient();
  const [form, setForm] = useState({ username: '', email: '', password: '' });
  const setup = useMutation({
    mutationFn: () => api.setup(form),
    onSuccess: () => client.invalidateQueries(),
  });
  const problem = form.username ? nameProblem('user', form.username) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setup.mutate();
  };
  return (
    <main className="narrow">
      <h1>Welcome to Hearth</h1>
      <p>Create the first account. It becomes the site admin, and the organization “default” is created.</p>
      <form onSubmit={submit} aria-label="Set up Hearth">
        <Field
          label="Username"
          autoComplete="username"
          required
          value={form.username}
          problem={problem}
          onChange={(e) => setForm({ ...form, username: e.target.value })}
        />
        <Field
          label="Email"
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        {setup.isError && <ErrorNotice error={setup.error} />}
        <button type="submit" className="primary" disabled={setup.isPending || !!problem}>
          Create admin account
        </button>
      </form>
    </main>
  );
}
