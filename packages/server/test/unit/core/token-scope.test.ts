import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopeRefusal, workspaceTokenAllows } from '../../../src/core/token-scope.js';

const ws = { name: 'api', owner: 'dev' };
const call = (method: string, route: string, params: Record<string, string> = {}) => ({
  method,
  route,
  params,
});

describe('the workspace token scope', () => {
  it('allows who-am-i and its own workspace state, logs, keepalive, rebuild and stop', () => {
    assert.ok(workspaceTokenAllows(call('GET', '/users/me'), ws));
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/rebuild'],
      ['POST', '/stop'],
      ['POST', '/keepalive'],
      ['GET', '/builds'],
      ['GET', '/builds/:number'],
      ['GET', '/builds/:number/logs'],
      ['GET', '/watch'],
    ] as const) {
      for (const user of ['me', 'dev'])
        assert.ok(
          workspaceTokenAllows(
            call(method, `/users/:user/workspaces/:name${suffix}`, { user, name: 'api' }),
            ws,
          ),
          `${method} ${suffix} as ${user}`,
        );
    }
  });

  it('refuses other workspaces, even the same owner’s or the same name of another user', () => {
    assert.ok(
      !workspaceTokenAllows(call('GET', '/users/:user/workspaces/:name', { user: 'me', name: 'web' }), ws),
    );
    assert.ok(
      !workspaceTokenAllows(call('GET', '/users/:user/workspaces/:name', { user: 'ops', name: 'api' }), ws),
    );
  });

  it('refuses tokens, secrets, dotfiles, keys, users, orgs, sessions into its workspace, and delete', () => {
    for (const [method, route, params] of [
      ['POST', '/tokens', {}],
      ['GET', '/tokens', {}],
      ['PUT', '/users/me/secrets/:name', { name: 'X' }],
      ['PUT', '/users/me/dotfiles', {}],
      ['POST', '/users/me/ssh-keys', {}],
      ['POST', '/users/me/gitssh/regenerate', {}],
      ['POST', '/users', {}],
      ['GET', '/workspaces', {}],
      ['POST', '/workspaces', {}],
      ['PUT', '/orgs/:org/members/:user', { org: 'default', user: 'x' }],
      ['DELETE', '/users/:user/workspaces/:name', { user: 'me', name: 'api' }],
      ['POST', '/users/:user/workspaces/:name/start', { user: 'me', name: 'api' }],
      ['GET', '/users/:user/workspaces/:name/exec', { user: 'me', name: 'api' }],
      ['GET', '/users/:user/workspaces/:name/ssh', { user: 'me', name: 'api' }],
      ['PATCH', '/users/:user/workspaces/:name/lifecycle', { user: 'me', name: 'api' }],
      ['POST', '/auth/logout', {}],
      ['HEAD', '/users/me', {}],
    ] as const)
      assert.ok(!workspaceTokenAllows(call(method, route, params), ws), `${method} ${route}`);
  });

  it('says that the action needs the user’s own login', () => {
    assert.match(
      scopeRefusal(call('POST', '/tokens'), ws),
      /POST \/tokens needs your own login.*dev\/api.*hearth login/,
    );
  });
});
