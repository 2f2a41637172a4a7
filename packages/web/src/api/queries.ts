/**
 * Query-option factories, one per API resource: a key and a function calling the one client.
 * Pages use these; mutations invalidate by the same keys.
 */
import { queryOptions } from '@tanstack/react-query';
import { api, isSignedOut } from './client.js';
import { pagedQuery } from './paged.js';

export const keys = {
  me: ['me'] as const,
  setup: ['setup'] as const,
  workspaces: ['workspaces'] as const,
  workspace: (owner: string, name: string) => ['workspaces', owner, name] as const,
  builds: (owner: string, name: string) => ['workspaces', owner, name, 'builds'] as const,
  apps: (owner: string, name: string) => ['workspaces', owner, name, 'apps'] as const,
  ports: (owner: string, name: string) => ['workspaces', owner, name, 'ports'] as const,
  orgs: ['orgs'] as const,
  images: (org: string) => ['orgs', org, 'images'] as const,
  members: (org: string) => ['orgs', org, 'members'] as const,
  policy: (org: string) => ['orgs', org, 'policy'] as const,
  campaigns: (org: string) => ['orgs', org, 'campaigns'] as const,
  users: ['users'] as const,
  executor: ['executor'] as const,
  account: (part: string) => ['account', part] as const,
};

export const setupQuery = () => queryOptions({ queryKey: keys.setup, queryFn: () => api.setupStatus() });

/** The signed-in user, or null when there is no (valid) session. */
export const meQuery = () =>
  queryOptions({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await api.me();
      } catch (err) {
        if (isSignedOut(err)) return null;
        throw err;
      }
    },
  });

export const workspacesQuery = () =>
  // Page by page; kept live by the list's watch stream; the interval only catches the auto-off countdown up.
  pagedQuery(
    keys.workspaces,
    (cursor) => api.listWorkspacesPage({ cursor }),
    (w) => w.id,
    60_000,
  );
export const workspaceQuery = (owner: string, name: string) =>
  queryOptions({ queryKey: keys.workspace(owner, name), queryFn: () => api.getWorkspace(owner, name) });
/** How many of a workspace's builds its page shows: the newest, one page of them. */
export const SHOWN_BUILDS = 10;
export const buildsQuery = (owner: string, name: string) =>
  queryOptions({
    queryKey: keys.builds(owner, name),
    queryFn: async () => (await api.listBuildsPage(owner, name, { limit: SHOWN_BUILDS })).items,
  });
// Health and listening ports change inside the workspace, where no event tells us: polled.
export const appsQuery = (owner: string, name: string) =>
  queryOptions({
    queryKey: keys.apps(owner, name),
    queryFn: () => api.listApps(owner, name),
    refetchInterval: 10_000,
  });
export const portsQuery = (owner: string, name: string) =>
  queryOptions({
    queryKey: keys.ports(owner, name),
    queryFn: () => api.listPorts(owner, name),
    refetchInterval: 2_000,
  });
export const orgsQuery = () => queryOptions({ queryKey: keys.orgs, queryFn: () => api.listOrgs() });
export const imagesQuery = (org: string) =>
  pagedQuery(
    keys.images(org),
    (cursor) => api.listImagesPage(org, { cursor }),
    (i) => i.id,
  );
export const membersQuery = (org: string) =>
  pagedQuery(
    keys.members(org),
    (cursor) => api.listMembersPage(org, { cursor }),
    (m) => m.username,
  );
export const policyQuery = (org: string) =>
  queryOptions({ queryKey: keys.policy(org), queryFn: () => api.getOrgPolicy(org) });
export const campaignsQuery = (org: string) =>
  // Polled (no event tells of a campaign's progress), only while one loaded is running.
  pagedQuery(
    keys.campaigns(org),
    (cursor) => api.listCampaignsPage(org, { cursor }),
    (c) => c.id,
    (pages) => (pages?.pages.some((p) => p.items.some((c) => c.status === 'running')) ? 2_000 : false),
  );
export const usersQuery = () =>
  pagedQuery(
    keys.users,
    (cursor) => api.listUsersPage({ cursor }),
    (u) => u.id,
  );
export const executorQuery = () =>
  queryOptions({ queryKey: keys.executor, queryFn: () => api.executorStats(), refetchInterval: 5_000 });
export const dotfilesQuery = () =>
  queryOptions({ queryKey: keys.account('dotfiles'), queryFn: () => api.getDotfiles() });
export const secretsQuery = () =>
  queryOptions({ queryKey: keys.account('secrets'), queryFn: () => api.listSecrets() });
export const sshKeysQuery = () =>
  queryOptions({ queryKey: keys.account('ssh-keys'), queryFn: () => api.listSshKeys() });
export const gitSshQuery = () =>
  queryOptions({ queryKey: keys.account('gitssh'), queryFn: () => api.gitSshKey() });
export const tokensQuery = () =>
  queryOptions({ queryKey: keys.account('tokens'), queryFn: () => api.listTokens() });
export const autostartQuery = () =>
  queryOptions({ queryKey: keys.account('autostart'), queryFn: () => api.getAutostart() });
