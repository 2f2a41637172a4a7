#!/usr/bin/env node
/**
 * Revocation benchmark: how long after a token is revoked does each kind of long-lived stream end?
 *
 *   node bench/revocation.js [--runs N]
 *
 * For each kind (watch SSE, exec WebSocket, terminal WebSocket, SSH over the tunnel), N times: a
 * fresh API token opens the stream and waits until it flows (the first snapshot; `ready` printed by
 * `sleep` in the workspace), then the token is revoked (DELETE /tokens/{id}) and the time from
 * sending the revocation to the client seeing the stream end (with its message) is measured.
 * Prints min/median/max per kind against the 1 s promise and writes everything to
 * bench/results/revocation-<timestamp>.json (git-ignored). Removes everything it creates.
 * Needs the build (npm run build): the streams come from packages/server/dist/test/support/streams.js.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { call, startBenchServer, stopBenchServer } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROMISE_MS = 1_000;
const streams = await import(join(HERE, '..', 'packages', 'server', 'dist', 'test', 'support', 'streams.js'));

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, help: { type: 'boolean', short: 'h', default: false } },
  strict: true,
});
if (flags.help) {
  console.log(
    'Usage: node bench/revocation.js [--runs N]\n  --runs  revocations measured per kind of stream (default 10)',
  );
  process.exit(0);
}
const RUNS = Number(flags.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('--runs must be a whole number >= 1');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;

// The server runs as its own process, as deployed, so the client's timing does not share its event loop.
const { server, base, dir } = await startBenchServer('revocation');
let admin;
try {
  admin = (
    await call(base, undefined, 'POST', '/setup', {
      username: 'revbench',
      email: 'r@example.com',
      password: 'correct horse battery',
    })
  ).token;
  await call(base, admin, 'POST', '/orgs/default/images', { ref: 'hearth-demo:latest' });
  await call(base, admin, 'POST', '/workspaces', {
    name: 'revbench',
    image: 'hearth-demo:latest',
    memory: '1GiB',
  });
  for (let state = 'pending'; state !== 'running'; ) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await call(base, admin, 'GET', '/users/me/workspaces/revbench')).state;
    if (state === 'failed') throw new Error('the bench workspace failed to build');
  }
  const kinds = {
    sse: streams.watchStream,
    exec: streams.execStream,
    terminal: streams.terminalStream,
    ssh: streams.sshStream,
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [kind, open] of Object.entries(kinds)) {
      const { id, token } = await call(base, admin, 'POST', '/tokens', {
        name: `rev-${kind}-${i}`,
        lifetime: '1d',
      });
      const stream = await open(base, token, 'revbench', 'revbench');
      const { ms, message } = await streams.timeEnd(stream, () =>
        call(base, admin, 'DELETE', `/tokens/${id}`),
      );
      if (!/revoked/.test(message)) throw new Error(`${kind} ended without saying why: ${message}`);
      samples[kind].push(round1(ms));
    }
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([kind, xs]) => [
      kind,
      { minMs: round1(Math.min(...xs)), medianMs: round1(median(xs)), maxMs: round1(Math.max(...xs)) },
    ]),
  );
  console.log(`revoke → stream end, ${RUNS} runs per kind (promise: under ${PROMISE_MS} ms):`);
  console.log('stream     min ms  median ms   max ms');
  for (const [kind, s] of Object.entries(summary))
    console.log(
      `${kind.padEnd(9)} ${String(s.minMs).padStart(7)} ${String(s.medianMs).padStart(10)} ${String(s.maxMs).padStart(8)}  ${s.maxMs < PROMISE_MS ? 'ok' : 'MISSED'}`,
    );
  const results = join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `revocation-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ runs: RUNS, promiseMs: PROMISE_MS, machine: { cpus: os.cpus().length, node: process.version }, summary, samples }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
} finally {
  await stopBenchServer({ server, base, dir }, admin, 'revbench');
}
