import { SIGN_IN_NEXT, signInReturnPath } from '@hearth/sdk/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.js';
import { Field } from '../components/field.js';
import { Form, useForm } from '../components/form.js';

/** Where an app URL sent the browser to sign in (the app sign-in route), if it did. */
function returnPath(): { path: string; app: string } | undefined {
  const path = signInReturnPath(new URLSearchParams(window.location.search).get(SIGN_IN_NEXT));
  if (!path) return undefined;
  const redirect = new URLSearchParams(path.slice(path.indexOf('?'))).get('redirect') ?? '';
  return { path, app: URL.canParse(redirect) ? new URL(redirect).host : 'an app' };
}

export function SignInPage() {
  const client = useQueryClient();
  const [back] = useState(returnPath);
  const form = useForm({ username: '', password: '' }, (v) => api.login(v), {
    // Sent here by an app URL: back to it (through the app sign-in route) once signed in.
    onSuccess: () => (back ? window.location.assign(back.path) : client.invalidateQueries()),
  });
  return (
    <main className="narrow">
      <h1>Sign in to Hearth</h1>
      {back && <p>Sign in to open {back.app}. You go straight there afterwards.</p>}
      <Form form={form} label="Sign in" submit="Sign in" primary>
        <Field label="Username" autoComplete="username" required {...form.field('username')} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...form.field('password')}
        />
      </Form>
    </main>
  );
}
