import type { ReactNode } from 'react';

/** A titled part of a page (account, admin), labelled by its heading. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
