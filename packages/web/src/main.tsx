import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { isSignedOut, isTransient, isUnreachable } from './api/client.js';
import { keys } from './api/queries.js';
import { App } from './app.js';
import { reportConnection } from './components/connection.js';
import './styles.css';

const onError = (err: unknown) => {
  if (isUnreachable(err)) reportConnection(false);
  // A session that ended (signed out elsewhere, revoked, user suspended) shows the sign-in page.
  else if (isSignedOut(err)) void client.invalidateQueries({ queryKey: keys.me });
};

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError, onSuccess: () => reportConnection(true) }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: { retry: (n, err) => n < 2 && isTransient(err), staleTime: 2_000 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
