import type { Campaign } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.js';
import { campaignsQuery, keys } from '../../api/queries.js';
import { time } from '../../components/format.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { Empty, ErrorNotice, QueryView } from '../../components/states.js';

/** Rebuild campaigns, newest first, a page at a time: start one with filters; each shows its per-workspace progress as it runs. */
export function Campaigns({ org }: { org: string }) {
  const client = useQueryClient();
  const query = useInfiniteQuery(campaignsQuery(org));
  const [outdatedOnly, setOutdated] = useState(false);
  const [includeStopped, setStopped] = useState(false);
  const start = useMutation({
    mutationFn: () => api.startCampaign(org, { outdatedOnly, includeStopped }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.campaigns(org) }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <Section title="Rebuild campaigns">
      <form onSubmit={submit} aria-label="Start a rebuild campaign">
        <label className="inline">
          <input type="checkbox" checked={outdatedOnly} onChange={(e) => setOutdated(e.target.checked)} />{' '}
          Only outdated workspaces
        </label>
        <label className="inline">
          <input type="checkbox" checked={includeStopped} onChange={(e) => setStopped(e.target.checked)} />{' '}
          Include stopped and failed ones
        </label>
        {start.isError && <ErrorNotice error={start.error} />}
        <button type="submit" disabled={start.isPending}>
          Start rebuild campaign
        </button>
      </form>
      <QueryView query={query} what="campaigns">
        {(list) =>
          list.length === 0 ? (
            <Empty>No campaigns yet.</Empty>
          ) : (
            list.map((c) => <CampaignCard key={c.id} campaign={c} />)
          )
        }
      </QueryView>
      {query.data && query.data.length > 0 && (
        <LoadMore query={query} shown={query.data.length} what="campaign" />
      )}
    </Section>
  );
}

function CampaignCard({ campaign: c }: { campaign: Campaign }) {
  return (
    <section className="card" aria-label={`Campaign ${c.id}`}>
      <h3>
        Campaign {time(c.createdAt)}: {c.status}
      </h3>
      <p role="status">
        {Object.entries(c.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ')}
      </p>
      <ul>
        {c.items.map((i) => (
          <li key={i.workspace} className={`stage stage-${i.status}`}>
            {i.workspace}: {i.status}
            {i.error && <span className="problem"> {i.error}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
