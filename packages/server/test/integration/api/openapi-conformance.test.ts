import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { addMember, DEMO_IMAGE, PASSWORD, settled, useHearth } from '../../support/hearth.js';
import { OpenApiDocument, type Operation } from '../../support/openapi.js';
import { sshKeyPair } from '../../support/ssh.js';

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

describe('the OpenAPI document is true: every route is in it, and every answer is as it says', () => {
  const t = useHearth();
  let doc: OpenApiDocument;
  const seen = new Set<Operation>();
  const problems: string[] = [];
  let alice: string;
  let bob: string;

  /** Sends a request and checks its answer against the document. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
    token = alice,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${t.hearth.server.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    const answer: Answer = {
      status: response.status,
      contentType,
      body: contentType?.startsWith('application/json') && text ? JSON.parse(text) : text || undefined,
    };
    const op = doc.find(method, path.split('?')[0]!);
    if (!op) problems.push(`${method} ${path}: not in the document`);
    else {
      seen.add(op);
      problems.push(...doc.problems(op, answer.status, contentType, answer.body));
    }
    return answer;
  }

  before(async () => {
    doc = new OpenApiDocument((await t.hearth.api.get('/openapi.json')).body);
    alice = t.alice.token!;
    bob = (await addMember(t.alice, 'bob')).token!;
  });

  it('given a walk over every route, as users do, when each answer is checked, then all are as documented', async () => {
    const ok = async (method: string, path: string, body?: unknown, token?: string) => {
      const answer = await call(method, path, body, token);
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as any;
    };
    await ok('GET', '/health', undefined, '');
    await ok('GET', '/setup', undefined, '');
    await call('POST', '/setup', { username: 'again', email: 'a@example.com', password: PASSWORD }, '');
    const login = await ok('POST', '/auth/login', { username: 'bob', password: PASSWORD }, '');
    await ok('GET', '/users/me');
    await ok('GET', '/users');
    await ok('POST', '/users', { username: 'carol', email: 'carol@example.com', password: PASSWORD });
    await ok('POST', '/users/carol/suspend');
    await ok('POST', '/users/carol/activate');
    await ok('GET', '/orgs');
    await ok('POST', '/orgs', { name: 'team' });
    await ok('GET', '/orgs/default/limits');
    await ok('PATCH', '/orgs/default/limits', { maxCpu: 8 });
    await ok('GET', '/orgs/default/members');
    await ok('PUT', '/orgs/team/members/carol', { role: 'member' });
    await ok('DELETE', '/orgs/team/members/carol');
    const token = await ok('POST', '/tokens', { name: 'ci', lifetime: '1d' });
    await ok('GET', '/tokens');
    await ok('DELETE', `/tokens/${token.id}`);
    const images = await ok('GET', '/orgs/default/images');
    await call('POST', '/orgs/default/images', { ref: DEMO_IMAGE });
    await ok('POST', '/orgs/team/images', { ref: DEMO_IMAGE });
    const teamImage = (await ok('GET', '/orgs/team/images'))[0];
    await ok('DELETE', `/orgs/team/images/${teamImage.id}`);
    await ok('DELETE', '/orgs/team');
    assert.equal(images.length, 1);
    await ok('POST', '/orgs/default/images/check');
    await ok('GET', '/orgs/default/policy');
    await ok('PATCH', '/orgs/default/policy', { userOverride: true });
    await ok('PUT', '/users/me/autostart', { time: '08:30', timezone: 'Europe/Berlin', days: 'mon-fri' });
    await ok('GET', '/users/me/autostart');
    await ok('DELETE', '/users/me/autostart');
    await ok('GET', '/admin/executor');
    await ok('GET', '/admin/engines');
    await call('POST', '/admin/engines', {
      name: 'gone',
      dockerHost: 'unix:///nonexistent/docker.sock',
      cpu: 1,
      memory: '1GiB',
    });
    await ok('POST', '/admin/engines/default/drain');
    await ok('POST', '/admin/engines/default/undrain');
    await call('DELETE', '/admin/engines/default');
    await call('PATCH', '/admin/engines/none', { cpu: 1 });
    await ok('GET', '/admin/replicas');
    await ok('GET', '/users/me/dotfiles');
    await ok('PUT', '/users/me/dotfiles', { url: 'https://example.com/dots.git' });
    await ok('DELETE', '/users/me/dotfiles');
    await ok('PUT', '/users/me/secrets/API_KEY', { value: 's3cret' });
    await ok('GET', '/users/me/secrets');
    await ok('DELETE', '/users/me/secrets/API_KEY');
    await ok('GET', '/users/me/gitssh');
    await ok('POST', '/users/me/gitssh/regenerate');
    await ok('GET', '/ssh/host-key');
    const key = sshKeyPair();
    const added = await ok('POST', '/users/me/ssh-keys', { publicKey: key.public });
    await ok('GET', '/users/me/ssh-keys');
    await ok('DELETE', `/users/me/ssh-keys/${added.id}`);
    await call('PUT', '/users/me/password', { currentPassword: 'wrong', newPassword: `${PASSWORD}!` }, bob);
    await ok('PUT', '/users/me/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD}!` }, bob);
    // The list's live stream never ends by itself: its documented refusal here, its events in
    // workspace-list-watch.test.ts.
    await call('GET', '/workspaces/watch', undefined, '');

    const created = await ok('POST', '/workspaces', {
      name: 'api',
      image: DEMO_IMAGE,
      org: 'default',
      cpu: 1,
      memory: '512m',
    });
    t.created.add(created.id);
    await settled(t.alice, 'me', 'api');
    await ok('GET', '/workspaces');
    await ok('GET', '/users/alice/workspaces/api');
    await ok('GET', '/users/alice/workspaces/api/builds');
    await ok('GET', '/users/alice/workspaces/api/builds/1');
    await ok('GET', '/users/alice/workspaces/api/builds/1/logs');
    await ok('PATCH', '/users/alice/workspaces/api/lifecycle', { autoOff: '30m' });
    await ok('POST', '/users/alice/workspaces/api/keepalive');
    await ok('GET', '/users/alice/workspaces/api/apps');
    const port = await ok('GET', '/users/alice/workspaces/api/apps/3000');
    await ok('PUT', '/users/alice/workspaces/api/apps/3000/share', { level: 'authenticated' });
    await call('POST', '/users/alice/workspaces/api/apps/none/restart', {});
    await ok('GET', '/users/alice/workspaces/api/ports');
    await call('GET', '/users/alice/workspaces/api/apps/none/icon');
    const signIn = await call('GET', `/apps/auth?redirect=${encodeURIComponent(port.url)}`);
    assert.equal(signIn.status, 302, JSON.stringify(signIn.body));
    const campaign = await ok('POST', '/orgs/default/campaigns', { outdatedOnly: true });
    await ok('GET', '/orgs/default/campaigns');
    await ok('GET', `/campaigns/${campaign.id}`);
    // The stream routes, without an upgrade: documented refusals.
    for (const stream of ['exec', 'ssh', 'terminal'])
      await call('GET', `/users/alice/workspaces/api/${stream}`);
    await ok('POST', '/users/alice/workspaces/api/stop');
    await settled(t.alice, 'me', 'api');
    await ok('POST', '/users/alice/workspaces/api/start');
    await settled(t.alice, 'me', 'api');
    await ok('POST', '/users/alice/workspaces/api/rebuild', {});
    await settled(t.alice, 'me', 'api');
    // Refusals of every kind.
    await call('GET', '/users/alice/workspaces/nope');
    await call('GET', '/users/alice/workspaces/api', undefined, bob);
    await call('GET', '/users/me', undefined, '');
    await call('POST', '/workspaces', { name: 'x' });
    await call('GET', `/users/${'a'.repeat(300)}/workspaces/api`);
    await call('GET', '/users/%zz/workspaces/api');
    await call('POST', '/auth/logout', undefined, login.token);
    await ok('DELETE', '/users/alice/workspaces/api');
    await call('GET', '/users/alice/workspaces/api/watch');

    assert.deepEqual(problems, []);
    const missed = doc.operations.filter((op) => !seen.has(op)).map((op) => `${op.method} ${op.path}`);
    assert.deepEqual(missed, [], 'every route in the document is exercised: add new routes to this walk');
  });

  it('given every request schema, when checked against JSON Schema, then each is one', () => {
    assert.ok(
      doc.operations.some((op) => op.spec.requestBody),
      'the document has request bodies',
    );
    assert.deepEqual(doc.requestSchemaProblems(), []);
  });

  it('given requests the framework itself refuses, when answered, then each is in the one error format', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [`/users/${'a'.repeat(300)}/workspaces/api`, {}, 414, 'uri_too_long'],
      ['/users/%zz/workspaces/api', {}, 400, 'invalid_input'],
      ['/health', { 'x-big': 'a'.repeat(20_000) }, 431, 'headers_too_large'],
      [`/health?${'a'.repeat(70_000)}`, {}, 431, 'headers_too_large'],
    ];
    for (const [path, headers, status, code] of cases) {
      const response = await fetch(`${t.hearth.server.url}/api/v1${path}`, { headers });
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, status, path.slice(0, 40));
      assert.equal(body.code, code);
      assert.equal(typeof body.message, 'string');
      assert.equal(typeof body.requestId, 'string');
    }
    const wrongType = await fetch(`${t.hearth.server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<setup/>',
    });
    assert.equal(wrongType.status, 415);
    assert.deepEqual(Object.keys((await wrongType.json()) as object).sort(), [
      'code',
      'message',
      'requestId',
    ]);
  });
});
