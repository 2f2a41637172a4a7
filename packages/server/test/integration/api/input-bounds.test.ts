import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Api } from '../../support/api.js';
import { DEMO_IMAGE, useHearth } from '../../support/hearth.js';

/** What the refused requests below could have changed, read back through the API. */
async function snapshot(api: Api): Promise<string> {
  const reads = [
    '/orgs',
    '/orgs/default/limits',
    '/orgs/default/policy',
    '/orgs/default/campaigns',
    '/workspaces',
  ];
  const answers = await Promise.all(reads.map((path) => api.get(path)));
  for (const [i, answer] of answers.entries())
    assert.equal(answer.status, 200, `${reads[i]}: ${JSON.stringify(answer.body)}`);
  return JSON.stringify(answers.map((a) => a.body));
}

describe('numbers, sizes and durations are refused before anything is written', () => {
  const fx = useHearth();

  it('given numbers beyond range, as strings or as JSON literals, when sent, then 400 and nothing changes', async () => {
    const before = await snapshot(fx.alice);
    const cases: [string, string, string][] = [
      ['PATCH', '/orgs/default/limits', '{"maxGpus":"1e309"}'],
      ['PATCH', '/orgs/default/limits', '{"maxGpus":"-1e309"}'],
      ['PATCH', '/orgs/default/limits', '{"maxGpus":1e309}'],
      ['PATCH', '/orgs/default/limits', '{"maxCpu":1e309}'],
      ['PATCH', '/orgs/default/limits', '{"maxMemory":-1e309}'],
      ['PATCH', '/orgs/default/policy', '{"skipUnusedDays":"1e309"}'],
      ['PATCH', '/orgs/default/policy', '{"skipUnusedDays":"-1e309"}'],
      ['POST', '/orgs/default/campaigns', '{"concurrency":"1e309"}'],
      ['POST', '/workspaces', `{"name":"inf","image":"${DEMO_IMAGE}","cpu":1e309}`],
    ];
    for (const [method, path, raw] of cases) {
      const answer = await fx.alice.request(method, path, undefined, raw);
      assert.equal(answer.status, 400, `${method} ${path} ${raw}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, 'invalid_input');
    }
    assert.equal(await snapshot(fx.alice), before);
  });

  it('given values of the wrong type, when sent, then they are not coerced: 400 and nothing changes', async () => {
    const before = await snapshot(fx.alice);
    const cases: [string, string, unknown][] = [
      ['POST', '/workspaces', { name: 'coerced', image: DEMO_IMAGE, cpu: true }],
      ['POST', '/workspaces', { name: 'coerced', image: DEMO_IMAGE, gpus: '0' }],
      ['PATCH', '/orgs/default/limits', { maxGpus: '2' }],
      ['PATCH', '/orgs/default/limits', { maxCpu: false }],
      ['PATCH', '/orgs/default/policy', { userOverride: 'false' }],
      ['POST', '/orgs/default/campaigns', { concurrency: [3] }],
    ];
    for (const [method, path, body] of cases) {
      const answer = await fx.alice.request(method, path, body);
      assert.equal(
        answer.status,
        400,
        `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`,
      );
    }
    assert.equal(await snapshot(fx.alice), before);
  });

  it('given a huge duration, size or count, when sent, then 400 names the maximum and nothing changes', async () => {
    const before = await snapshot(fx.alice);
    const cases: [string, string, unknown, RegExp][] = [
      ['PATCH', '/orgs/default/policy', { autoOff: '99999999999999999999d' }, /too long: at most 365d/],
      [
        'POST',
        '/workspaces',
        { name: 'huge', image: DEMO_IMAGE, autoOff: '99999999999999999999d' },
        /too long: at most 365d/,
      ],
      ['PATCH', '/orgs/default/limits', { maxDisk: '99999999TiB' }, /too large: at most 1024TiB/],
      ['PATCH', '/orgs/default/limits', { maxMemory: 2 ** 52 }, /too large: at most 1024TiB/],
      ['PATCH', '/orgs/default/limits', { maxGpus: 65 }, /maxGpus must be <= 64/],
      ['POST', '/tokens', { name: 'forever', lifetime: '99999999999999999999d' }, /too long/],
      ['POST', '/workspaces', { name: 'gpus', image: DEMO_IMAGE, gpus: 1000 }, /gpus must be <= 64/],
    ];
    for (const [method, path, body, message] of cases) {
      const answer = await fx.alice.request(method, path, body);
      assert.equal(
        answer.status,
        400,
        `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`,
      );
      assert.match(answer.body.message, message);
    }
    assert.equal(await snapshot(fx.alice), before);
    assert.equal((await fx.alice.get('/tokens')).body.length, 0);
  });

  it("given memory below the engine's minimum, when requested, then 400 names 6MiB and nothing is created", async () => {
    for (const memory of ['2048', 2048, '5m']) {
      const answer = await fx.alice.post('/workspaces', { name: 'tiny', image: DEMO_IMAGE, memory });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.body.message, /below the container engine's minimum memory of 6MiB/);
    }
    assert.deepEqual((await fx.alice.get('/workspaces')).body, []);
    const limit = await fx.alice.patch('/orgs/default/limits', { maxMemory: '4m' });
    assert.equal(limit.status, 400);
    assert.match(limit.body.message, /6MiB/);
  });

  it('given an over-long image reference, when added or used, then it is bad input (400), not an engine error', async () => {
    const ref = `${'a'.repeat(300)}:latest`;
    const added = await fx.alice.post('/orgs/default/images', { ref });
    assert.equal(added.status, 400, JSON.stringify(added.body));
    assert.equal(added.body.code, 'invalid_input');
    assert.match(added.body.message, /too long/);
    const created = await fx.alice.post('/workspaces', { name: 'long', image: ref });
    assert.ok(created.status >= 400 && created.status < 500, JSON.stringify(created.body));
    assert.equal((await fx.alice.get('/orgs/default/images')).body.length, 1);
  });

  it('given a user named after a route word, or an email with NUL or an escape sequence, when created, then 400', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ username: 'me', email: 'me@example.com' }, /user name "me" is reserved/],
      [{ username: 'system', email: 'system@example.com' }, /reserved/],
      [{ username: 'nul', email: 'nul\u0000@example.com' }, /not an email address/],
      [{ username: 'esc', email: 'esc\u001b]0;pwned\u0007@example.com' }, /not an email address/],
    ];
    for (const [user, message] of cases) {
      const answer = await fx.alice.post('/users', { ...user, password: 'correct horse battery' });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.body.message, message);
    }
    assert.equal((await fx.alice.get('/users')).body.length, 1, 'nobody was created');
  });

  it('given 2g, 2G or 2gb, when set as a limit, then it is 2 GiB as docker run -m 2g means', async () => {
    for (const size of ['2g', '2G', '2gb']) {
      const answer = await fx.alice.patch('/orgs/default/limits', { maxMemory: size });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.limits.maxMemory, 2 * 2 ** 30, size);
    }
  });
});
