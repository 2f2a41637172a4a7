import { Link } from 'react-router';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no such {what}, or it is not yours to see.</p>
      <Link to="/">Back to your workspaces</Link>
    </section>
  );
}
