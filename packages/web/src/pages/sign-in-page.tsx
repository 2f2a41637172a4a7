import { SIGN_IN_NEXT, signInReturnPath } from '@hearth/sdk/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.js';
import { Field } from '../components/field.js';
import { ErrorNotice } from '../components/states.js';

/** Where an app URL sent the browser to sign in (the app sign-in route), if it did. */
function returnPath(): { path: string; app: string } | undefined {
  const path = signInReturnPath(new URLSearchParams(window.location.search).get(SIGN_IN_NEXT));
  if (!path) return undefined;
  const redirect = new URLSearchParams(path.slice(path.indexOf('?'))).get('redirect') ?? '';
  return { path, app: URL.canParse(redirect) ? new URL(redirect).host : 'an app' };
}

export function SignInPage() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [back] = useState(returnPath);
  const login = useMutation({
    mutationFn: () => api.login({ username, password }),
    // Sent here by an app URL: back to it (through the app sign-in route) once signed in.
    onSuccess: () => (back ? window.location.assign(back.path) : client.invalidateQueries()),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <main className="narrow">
      <h1>Sign in to Hearth</h1>
      {back && <p>Sign in to open {back.app}. You go straight there afterwards.</p>}
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
