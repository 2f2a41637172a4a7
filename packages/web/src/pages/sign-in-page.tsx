import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.js';
import { Field } from '../components/field.js';
import { ErrorNotice } from '../components/states.js';

export function SignInPage() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api.login({ username, password }),
    onSuccess: () => client.invalidateQueries(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <main className="narrow">
      <h1>Sign in to Hearth</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <Field
          label="Username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {login.isError && <ErrorNotice error={login.error} />}
        <button type="submit" className="primary" disabled={login.isPending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
