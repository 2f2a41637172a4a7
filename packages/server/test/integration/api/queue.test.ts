import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settled, useHearth } from '../../support/hearth.js';

describe('the build queue', () => {
  const t = useHearth({ config: { buildConcurrency: 1 } });

  it('runs builds one at a time with concurrency 1 and reports each waiting build’s position', async () => {
    const names = ['q1', 'q2', 'q3'];
    const answers = [];
    for (const name of names) {
      const answer = await t.alice.post('/workspaces', { name, image: 'hearth-demo:latest' });
      assert.equal(answer.status, 201);
      t.created.add(answer.body.id);
      answers.push(answer.body);
    }
    // The first is taken at once; the others wait in order.
    assert.equal(answers[1].lastBuild.queuePosition, 1);
    assert.equal(answers[2].lastBuild.queuePosition, 2);
    const third = (await t.alice.get('/users/me/workspaces/q3')).body;
    assert.equal(third.state, 'pending');
    assert.ok(third.lastBuild.queuePosition >= 1);

    const finished = [];
    for (const name of names) finished.push(await settled(t.alice, 'me', name));
    for (const ws of finished) assert.equal(ws.state, 'running');
    const spans = finished.map(
      (ws) => [Date.parse(ws.lastBuild.startedAt), Date.parse(ws.lastBuild.finishedAt)] as const,
    );
    for (let i = 1; i < spans.length; i++) {
      assert.ok(spans[i]![0] >= spans[i - 1]![1], `build ${i + 1} started only after build ${i} finished`);
    }
  });
});
