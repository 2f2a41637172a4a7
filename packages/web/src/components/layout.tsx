import type { User } from '@hearth/sdk/browser';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { api } from '../api/client.js';
import { keys } from '../api/queries.js';
import { ErrorNotice } from './states.js';

export const isAnyAdmin = (user: User): boolean =>
  user.siteAdmin || user.orgs.some((o) => o.role === 'admin');

export function Layout({ user, children }: { user: User; children: ReactNode }) {
  const client = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api.logout(),
    onSuccess: () => {
      // Nothing of this user's stays in memory for the next one at this browser.
      client.setQueryData(keys.me, null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup' });
    },
  });
  return (
    <>
      <header className="top">
        <a className="brand" href="/">
          Hearth
        </a>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Workspaces
          </NavLink>
          <NavLink to="/new">New workspace</NavLink>
          <NavLink to="/account">Account</NavLink>
          {isAnyAdmin(user) && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <span className="who">{user.username}</span>
        <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          Sign out
        </button>
      </header>
      {signOut.isError && <ErrorNotice error={signOut.error} />}
      <main>{children}</main>
    </>
  );
}
