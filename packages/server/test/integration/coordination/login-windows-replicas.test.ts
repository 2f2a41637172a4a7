/**
 * Failed-login budgets hold across replicas: failures spread over two servers on one PostgreSQL
 * database count as on one, so the next attempt is refused on either.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, PASSWORD } from '../../support/hearth.js';
import { useReplicas } from '../../support/replicas.js';

describe('login budgets across two replicas', () => {
  const r = useReplicas([{}, {}]);

  it('given five wrong passwords spread over both replicas, when the right one comes, then both refuse it for now', async () => {
    await addMember(r.alice, 'bob');
    for (let i = 0; i < 5; i++) {
      const wrong = await r.servers[i % 2]!.api.post('/auth/login', { username: 'bob', password: 'not it' });
      assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    }
    for (const server of r.servers) {
      const limited = await server.api.post('/auth/login', { username: 'bob', password: PASSWORD });
      assert.equal(limited.status, 429, JSON.stringify(limited.body));
      assert.equal(limited.body.code, 'rate_limited');
    }
  });
});
