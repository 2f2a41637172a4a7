import type { Campaign } from '@hearth/sdk/browser';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client.js';
import { campaignsQuery, keys } from '../../api/queries.js';
import { Form, useForm } from '../../components/form.js';
import { time } from '../../components/format.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { Empty, QueryView } from '../../components/states.js';

/** Rebuild campaigns, newest first, a page at a time: start one with filters; each shows its per-workspace progress as it runs. */
export function Campaigns({ org }: { org: string }) {
  const query = useInfiniteQuery(campaignsQuery(org));
  const start = useForm({ outdatedOnly: false, includeStopped: false }, (v) => api.startCampaign(org, v), {
    invalidates: keys.campaigns(org),
  });
  const { outdatedOnly, includeStopped } = start.values;
  return (
    <Section title="Rebuild campaigns">
      <Form form={start} label="Start a rebuild campaign" submit="Start rebuild campaign">
        <label className="inline">
          <input
            type="checkbox"
            checked={outdatedOnly}
            onChange={(e) => start.set('outdatedOnly', e.target.checked)}
          />{' '}
          Only outdated workspaces
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={includeStopped}
            onChange={(e) => start.set('includeStopped', e.target.checked)}
          />{' '}
          Include stopped and failed ones
        </label>
      </Form>
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
