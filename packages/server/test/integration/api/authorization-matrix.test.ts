/**
 * The authorization matrix: every route of the OpenAPI document, called by every kind of caller,
 * answers as the table says. A route in the document without a row fails the test, so no route can
 * be added without deciding who may call it.
 *
 * Callers: a site admin (alice), an org admin of `default` (ops), a member owning the workspace the
 * routes target (mem, workspace `w`), a member of another org only (oth), a member removed from
 * `default` (rem), a suspended member (sus), the token injected into `w`, an expired and a revoked
 * API token of mem's, and nobody. Denials must be 401 (no valid credential), 403 `user_suspended`,
 * 403 `token_scope` (the workspace token outside its scope), or 403/404 (not yours: admins learn
 * why, others cannot tell it exists). Allowed callers must get through (2xx, or the row's answer for
 * a request that is refused later for what it asks). Destructive rows only check the denials here:
 * their allowed effects are tested where they are the subject.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import { addMember, settled, shell, useHearth } from '../../support/hearth.js';

type Who =
  | 'site'
  | 'orgAdmin'
  | 'member'
  | 'otherOrg'
  | 'removed'
  | 'suspended'
  | 'wsToken'
  | 'expired'
  | 'revoked'
  | 'anonymous';
const EVERYONE: Who[] = [
  'site',
  'orgAdmin',
  'member',
  'otherOrg',
  'removed',
  'suspended',
  'wsToken',
  'expired',
  'revoked',
  'anonymous',
];
const USERS: Who[] = ['site', 'orgAdmin', 'member', 'otherOrg', 'removed'];
const IN_DEFAULT: Who[] = ['site', 'orgAdmin', 'member'];
const ADMINS: Who[] = ['site', 'orgAdmin'];

interface Row {
  /** `METHOD /openapi/{path}` */
  readonly route: string;
  /** The concrete path called (params filled in); a function gets the server's port. */
  readonly path: string | ((port: string) => string);
  readonly body?: unknown | ((who: Who) => unknown);
  /** Who gets through; `public` routes need no credential at all. */
  readonly allow: readonly Who[] | 'public';
  /** The answer an allowed caller gets when not 2xx (a request refused for what it asks, later). */
  readonly ok?: number;
  /** Only the denials are checked: the allowed effect would change the fixtures. */
  readonly destructive?: true;
}

const WS = '/users/mem/workspaces/w';
const TABLE: readonly Row[] = [
  { route: 'GET /health', path: '/health', allow: 'public' },
  { route: 'GET /setup', path: '/setup', allow: 'public' },
  {
    route: 'POST /setup',
    path: '/setup',
    body: { username: 'x', email: 'x@example.com', password: 'long enough' },
    allow: 'public',
    ok: 409,
  },
  {
    route: 'POST /auth/login',
    path: '/auth/login',
    body: (who: Who) => ({ username: `nobody-${who.toLowerCase()}`, password: 'wrong password' }),
    allow: 'public',
    ok: 401,
  },
  { route: 'POST /auth/logout', path: '/auth/logout', allow: USERS, destructive: true },
  { route: 'GET /users/me', path: '/users/me', allow: [...USERS, 'wsToken'] },
  {
    route: 'PUT /users/me/password',
    path: '/users/me/password',
    body: { currentPassword: 'x', newPassword: 'short' },
    allow: USERS,
    ok: 400,
  },
  { route: 'GET /users', path: '/users', allow: ['site'] },
  {
    route: 'POST /users',
    path: '/users',
    body: { username: 'newbie', email: 'n@example.com', password: 'long enough' },
    allow: ['site'],
  },
  { route: 'POST /users/{user}/suspend', path: '/users/oth/suspend', allow: ['site'], destructive: true },
  { route: 'POST /users/{user}/activate', path: '/users/oth/activate', allow: ['site'] },
  { route: 'GET /orgs', path: '/orgs', allow: USERS },
  { route: 'POST /orgs', path: '/orgs', body: { name: 'made' }, allow: ['site'] },
  { route: 'DELETE /orgs/{org}', path: '/orgs/no-such-org', allow: ['site'], ok: 404 },
  { route: 'GET /orgs/{org}/limits', path: '/orgs/default/limits', allow: IN_DEFAULT },
  { route: 'PATCH /orgs/{org}/limits', path: '/orgs/default/limits', body: { maxGpus: 0 }, allow: ADMINS },
  { route: 'GET /orgs/{org}/members', path: '/orgs/default/members', allow: IN_DEFAULT },
  {
    route: 'PUT /orgs/{org}/members/{user}',
    path: '/orgs/default/members/mem',
    body: { role: 'member' },
    allow: ADMINS,
  },
  {
    route: 'DELETE /orgs/{org}/members/{user}',
    path: '/orgs/default/members/mem',
    allow: ADMINS,
    destructive: true,
  },
  { route: 'GET /orgs/{org}/images', path: '/orgs/default/images', allow: IN_DEFAULT },
  {
    route: 'POST /orgs/{org}/images',
    path: '/orgs/default/images',
    body: { ref: 'hearth-demo:latest' },
    allow: ADMINS,
    ok: 409,
  },
  {
    route: 'DELETE /orgs/{org}/images/{id}',
    path: '/orgs/default/images/no-such-image',
    allow: ADMINS,
    ok: 422,
  },
  { route: 'POST /orgs/{org}/images/check', path: '/orgs/default/images/check', allow: ADMINS },
  { route: 'GET /orgs/{org}/policy', path: '/orgs/default/policy', allow: IN_DEFAULT },
  {
    route: 'PATCH /orgs/{org}/policy',
    path: '/orgs/default/policy',
    body: { userOverride: true },
    allow: ADMINS,
  },
  { route: 'GET /orgs/{org}/campaigns', path: '/orgs/default/campaigns', allow: ADMINS },
  {
    route: 'POST /orgs/{org}/campaigns',
    path: '/orgs/default/campaigns',
    body: { image: 'hearth-demo:latest' },
    allow: ADMINS,
    destructive: true,
  },
  { route: 'GET /campaigns/{id}', path: '/campaigns/no-such-campaign', allow: USERS, ok: 404 },
  { route: 'GET /admin/executor', path: '/admin/executor', allow: ['site'] },
  { route: 'GET /admin/engines', path: '/admin/engines', allow: ['site'] },
  {
    route: 'POST /admin/engines',
    path: '/admin/engines',
    body: { name: 'matrix', dockerHost: 'unix:///nonexistent/docker.sock', cpu: 1, memory: '1GiB' },
    allow: ['site'],
    ok: 422,
  },
  { route: 'POST /admin/engines/{name}/drain', path: '/admin/engines/none/drain', allow: ['site'], ok: 404 },
  {
    route: 'POST /admin/engines/{name}/undrain',
    path: '/admin/engines/none/undrain',
    allow: ['site'],
    ok: 404,
  },
  { route: 'DELETE /admin/engines/{name}', path: '/admin/engines/none', allow: ['site'], ok: 404 },
  {
    route: 'PATCH /admin/engines/{name}',
    path: '/admin/engines/none',
    body: { cpu: 1, memory: '1GiB' },
    allow: ['site'],
    ok: 404,
  },
  { route: 'GET /admin/replicas', path: '/admin/replicas', allow: ['site'] },
  { route: 'GET /users/me/dotfiles', path: '/users/me/dotfiles', allow: USERS },
  {
    route: 'PUT /users/me/dotfiles',
    path: '/users/me/dotfiles',
    body: { url: 'https://git.example.com/d.git' },
    allow: USERS,
  },
  { route: 'DELETE /users/me/dotfiles', path: '/users/me/dotfiles', allow: USERS },
  { route: 'GET /users/me/secrets', path: '/users/me/secrets', allow: USERS },
  {
    route: 'PUT /users/me/secrets/{name}',
    path: '/users/me/secrets/MATRIX',
    body: { value: 'v' },
    allow: USERS,
  },
  { route: 'DELETE /users/me/secrets/{name}', path: '/users/me/secrets/MATRIX', allow: USERS },
  { route: 'GET /users/me/gitssh', path: '/users/me/gitssh', allow: USERS },
  { route: 'POST /users/me/gitssh/regenerate', path: '/users/me/gitssh/regenerate', allow: USERS },
  { route: 'GET /users/me/ssh-keys', path: '/users/me/ssh-keys', allow: USERS },
  {
    route: 'POST /users/me/ssh-keys',
    path: '/users/me/ssh-keys',
    body: { publicKey: 'not a key' },
    allow: USERS,
    ok: 400,
  },
  { route: 'DELETE /users/me/ssh-keys/{key}', path: '/users/me/ssh-keys/none', allow: USERS, ok: 404 },
  { route: 'GET /ssh/host-key', path: '/ssh/host-key', allow: USERS },
  { route: 'GET /tokens', path: '/tokens', allow: USERS },
  { route: 'POST /tokens', path: '/tokens', body: { name: 'matrix', lifetime: '1d' }, allow: USERS },
  { route: 'DELETE /tokens/{id}', path: '/tokens/no-such-token', allow: USERS, ok: 404 },
  { route: 'GET /workspaces', path: '/workspaces', allow: USERS },
  { route: 'GET /workspaces/watch', path: '/workspaces/watch', allow: USERS, destructive: true },
  {
    route: 'POST /workspaces',
    path: '/workspaces',
    body: { name: 'n', image: 'not-offered:1', org: 'default' },
    allow: IN_DEFAULT,
    ok: 422,
  },
  { route: 'GET /users/{user}/workspaces/{name}', path: WS, allow: [...IN_DEFAULT, 'wsToken'] },
  { route: 'DELETE /users/{user}/workspaces/{name}', path: WS, allow: IN_DEFAULT, destructive: true },
  {
    route: 'POST /users/{user}/workspaces/{name}/rebuild',
    path: `${WS}/rebuild`,
    allow: [...IN_DEFAULT, 'wsToken'],
    destructive: true,
  },
  { route: 'POST /users/{user}/workspaces/{name}/start', path: `${WS}/start`, allow: IN_DEFAULT, ok: 409 },
  {
    route: 'POST /users/{user}/workspaces/{name}/stop',
    path: `${WS}/stop`,
    allow: [...IN_DEFAULT, 'wsToken'],
    destructive: true,
  },
  {
    route: 'GET /users/{user}/workspaces/{name}/builds',
    path: `${WS}/builds`,
    allow: [...IN_DEFAULT, 'wsToken'],
  },
  {
    route: 'GET /users/{user}/workspaces/{name}/builds/{number}',
    path: `${WS}/builds/1`,
    allow: [...IN_DEFAULT, 'wsToken'],
  },
  {
    route: 'GET /users/{user}/workspaces/{name}/builds/{number}/logs',
    path: `${WS}/builds/1/logs`,
    allow: [...IN_DEFAULT, 'wsToken'],
  },
  // Streams: what lets them in, here; that they end when it stops, in revocation.test.ts.
  {
    route: 'GET /users/{user}/workspaces/{name}/watch',
    path: `${WS}/watch`,
    allow: [...IN_DEFAULT, 'wsToken'],
    destructive: true,
  },
  // A plain GET of a WebSocket route answers 400 (upgrade required) to whoever may open it; the
  // sessions themselves are checked in exec.test.ts, access.test.ts and revocation.test.ts.
  { route: 'GET /users/{user}/workspaces/{name}/exec', path: `${WS}/exec`, allow: ['member'], ok: 400 },
  { route: 'GET /users/{user}/workspaces/{name}/ssh', path: `${WS}/ssh`, allow: ['member'], ok: 400 },
  {
    route: 'GET /users/{user}/workspaces/{name}/terminal',
    path: `${WS}/terminal`,
    allow: ['member'],
    ok: 400,
  },
  {
    route: 'PATCH /users/{user}/workspaces/{name}/lifecycle',
    path: `${WS}/lifecycle`,
    body: { autostart: false },
    allow: ['member'],
  },
  {
    route: 'POST /users/{user}/workspaces/{name}/keepalive',
    path: `${WS}/keepalive`,
    allow: ['member', 'wsToken'],
  },
  // Apps and port URLs: the owner's to list, open and share (admins do not get into others' apps).
  {
    route: 'GET /apps/auth',
    path: (port) => `/apps/auth?redirect=${encodeURIComponent(`http://3000--w--mem.localhost:${port}/`)}`,
    allow: ['member'],
    ok: 302,
  },
  { route: 'GET /users/{user}/workspaces/{name}/apps', path: `${WS}/apps`, allow: ['member'] },
  { route: 'GET /users/{user}/workspaces/{name}/apps/{target}', path: `${WS}/apps/3000`, allow: ['member'] },
  {
    route: 'PUT /users/{user}/workspaces/{name}/apps/{target}/share',
    path: `${WS}/apps/3000/share`,
    body: { level: 'owner' },
    allow: ['member'],
  },
  {
    route: 'POST /users/{user}/workspaces/{name}/apps/{target}/restart',
    path: `${WS}/apps/none/restart`,
    body: {},
    allow: ['member'],
    ok: 404,
  },
  { route: 'GET /users/{user}/workspaces/{name}/ports', path: `${WS}/ports`, allow: ['member'] },
  {
    route: 'GET /users/{user}/workspaces/{name}/apps/{target}/icon',
    path: `${WS}/apps/none/icon`,
    allow: ['member'],
    ok: 404,
  },
  { route: 'GET /users/{user}/autostart', path: '/users/mem/autostart', allow: ['site', 'member'] },
  {
    route: 'PUT /users/{user}/autostart',
    path: '/users/mem/autostart',
    body: { time: '08:00', timezone: 'UTC' },
    allow: ['site', 'member'],
  },
  { route: 'DELETE /users/{user}/autostart', path: '/users/mem/autostart', allow: ['site', 'member'] },
];

describe('the authorization matrix', () => {
  const t = useHearth();
  const callers = {} as Record<Who, Api>;

  before(async () => {
    const { alice, hearth } = t;
    callers.site = alice;
    callers.orgAdmin = await addMember(alice, 'ops');
    assert.equal((await alice.put('/orgs/default/members/ops', { role: 'admin' })).status, 200);
    callers.member = await addMember(alice, 'mem');
    callers.removed = await addMember(alice, 'rem');
    callers.suspended = await addMember(alice, 'sus');
    assert.equal((await alice.post('/orgs', { name: 'other' })).status, 201);
    callers.otherOrg = await addMember(alice, 'oth');
    assert.equal((await alice.put('/orgs/other/members/oth', { role: 'member' })).status, 200);
    assert.equal((await alice.delete('/orgs/default/members/oth')).status, 204);
    const created = await callers.member.post('/workspaces', { name: 'w', image: 'hearth-demo:latest' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    assert.equal((await settled(alice, 'mem', 'w')).state, 'running');
    assert.equal((await alice.delete('/orgs/default/members/rem')).status, 204);
    assert.equal((await alice.post('/users/sus/suspend')).status, 200);
    const [container] = await hearth.runtime.listContainers({ [LABELS.workspaceId]: created.body.id });
    const session = await shell(hearth.runtime, container!.id, 'cat /run/hearth/user/cli/session.json');
    callers.wsToken = alice.as(JSON.parse(session.stdout).token);
    const revoked = await callers.member.post('/tokens', { name: 'revoked', lifetime: '1d' });
    assert.equal((await callers.member.delete(`/tokens/${revoked.body.id}`)).status, 204);
    callers.revoked = alice.as(revoked.body.token);
    const expiring = await callers.member.post('/tokens', { name: 'expiring', lifetime: '1s' });
    assert.equal(expiring.status, 201, JSON.stringify(expiring.body));
    callers.expired = alice.as(expiring.body.token);
    callers.anonymous = alice.as('');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });

  it('has a row for every route of the OpenAPI document', async () => {
    const doc = (await t.hearth.api.get('/openapi.json')).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const rows = new Set(TABLE.map((r) => r.route));
    assert.deepEqual(
      documented.filter((route) => !rows.has(route)),
      [],
      'routes without a row in TABLE',
    );
  });

  it('answers every route as the table says, for every caller', async () => {
    const wrong: string[] = [];
    for (const row of TABLE) {
      const [method] = row.route.split(' ') as [string];
      for (const who of EVERYONE) {
        const allowed = row.allow === 'public' || row.allow.includes(who);
        if (allowed && row.destructive) continue;
        const body = typeof row.body === 'function' ? row.body(who) : row.body;
        const path = typeof row.path === 'function' ? row.path(new URL(t.hearth.server.url).port) : row.path;
        const answer = await callers[who].request(method, path, body);
        const { status } = answer;
        const code = answer.body?.code;
        let fine: boolean;
        if (allowed) fine = status === (row.ok ?? status) && (row.ok !== undefined || status < 300);
        else if (who === 'anonymous' || who === 'expired' || who === 'revoked') fine = status === 401;
        else if (who === 'suspended') fine = status === 403 && code === 'user_suspended';
        else if (who === 'wsToken') fine = status === 403 && code === 'token_scope';
        else fine = status === 403 || status === 404;
        if (!fine)
          wrong.push(
            `${row.route} as ${who}: ${allowed ? 'allowed' : 'denied'}, got ${status} ${code ?? ''}`,
          );
      }
    }
    assert.deepEqual(wrong, []);
  });
});
