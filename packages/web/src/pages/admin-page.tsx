import type { User } from '@hearth/sdk/browser';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { orgsQuery } from '../api/queries.js';
import { Empty, QueryView } from '../components/states.js';
import { Campaigns } from './admin/campaigns.js';
import { Executor } from './admin/executor.js';
import { Images } from './admin/images.js';
import { OrgSettings } from './admin/org-settings.js';
import { Users } from './admin/users.js';

/** Site admins: users and the executor; org admins: their org's members, limits, policy, images, campaigns. */
export default function AdminPage({ user }: { user: User }) {
  const orgs = useQuery(orgsQuery());
  const adminOf = (org: string) =>
    user.siteAdmin || user.orgs.some((o) => o.name === org && o.role === 'admin');
  const [org, setOrg] = useState<string>();
  const orgId = useId();
  return (
    <section>
      <h1>Admin</h1>
      {user.siteAdmin && <Users />}
      {user.siteAdmin && <Executor />}
      <QueryView query={orgs} what="organizations">
        {(list) => {
          const mine = list.filter((o) => adminOf(o.name));
          if (mine.length === 0) return <Empty>You administer no organization.</Empty>;
          const current = mine.find((o) => o.name === org) ?? mine[0]!;
          return (
            <>
              <div className="field">
                <label htmlFor={orgId}>Organization</label>
                <select id={orgId} value={current.name} onChange={(e) => setOrg(e.target.value)}>
                  {mine.map((o) => (
                    <option key={o.id}>{o.name}</option>
                  ))}
                </select>
              </div>
              <OrgSettings org={current} />
              <Images org={current.name} />
              <Campaigns org={current.name} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
