/** Which screen: setup on a fresh server, sign-in without a session, else the dashboard's routes. */
import { useQuery } from '@tanstack/react-query';
import { Route, Routes, useLocation } from 'react-router';
import { meQuery, setupQuery } from './api/queries.js';
import { ConnectionBanner } from './components/connection.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { Layout } from './components/layout.js';
import { ErrorNotice, Loading } from './components/states.js';
import AccountPage from './pages/account-page.js';
import AdminPage from './pages/admin-page.js';
import { CreateWorkspacePage } from './pages/create-workspace-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { SetupPage } from './pages/setup-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WorkspacePage } from './pages/workspace-page.js';
import { WorkspacesPage } from './pages/workspaces-page.js';

export function App() {
  return (
    <>
      <ConnectionBanner />
      <Gate />
    </>
  );
}

function Gate() {
  const location = useLocation();
  const setup = useQuery(setupQuery());
  const me = useQuery(meQuery());
  if (setup.isPending || me.isPending) return <Loading what="Hearth" />;
  if (setup.isError) return <ErrorNotice error={setup.error} retry={() => void setup.refetch()} />;
  if (setup.data.setupRequired) return <SetupPage />;
  if (me.isError) return <ErrorNotice error={me.error} retry={() => void me.refetch()} />;
  if (!me.data) return <SignInPage />;
  const user = me.data;
  return (
    <Layout user={user}>
      <ErrorBoundary resetKey={location.pathname}>
        <Routes>
          <Route path="/" element={<WorkspacesPage />} />
          <Route path="/new" element={<CreateWorkspacePage user={user} />} />
          <Route path="/workspaces/:owner/:name" element={<WorkspacePage />} />
          <Route path="/account" element={<AccountPage user={user} />} />
          <Route path="/admin" element={<AdminPage user={user} />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </ErrorBoundary>
    </Layout>
  );
}
