#!/usr/bin/env node
/**
 * The installation guard's beat against the real engine when it holds many volumes.
 *
 *   node bench/installation-guard.js [--volumes N] [--runs N]
 *
 * Creates N empty volumes labelled as one bench installation's home volumes (removed at the end),
 * then times, median of --runs: the guard's beat (a marker volume made, the markers listed by
 * label on the engine, the previous marker removed), the engine's whole volume listing for
 * comparison (what a listing without a label filter would cost), and the longest the event loop
 * was held during the beats. Uses DOCKER_HOST when set, else the local socket.
 *
 * Prints a table and writes bench/results/installation-guard-<timestamp>.json (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, '..', 'packages', 'server', 'dist');
const { DockerRuntime } = await import(join(SERVER, 'src', 'runtime', 'docker', 'docker-runtime.js'));
const { LABELS } = await import(join(SERVER, 'src', 'runtime', 'runtime.js'));
const { InstallationGuard } = await import(join(SERVER, 'src', 'app', 'installation-guard.js'));
const { TEST_DOCKER_HOST } = await import(join(SERVER, 'test', 'support', 'engine.js'));

const { values: flags } = parseArgs({
  options: { volumes: { type: 'string', default: '10000' }, runs: { type: 'string', default: '9' } },
});
const VOLUMES = Number(flags.volumes);
const RUNS = Number(flags.runs);
const INSTANCE = `bench-guard-${process.pid}`;

const runtime = new DockerRuntime({ host: TEST_DOCKER_HOST });
const names = Array.from({ length: VOLUMES }, (_, i) => `hearth-bench-guard-${process.pid}-${i}`);

/** Runs `work` over `items`, `n` at once. */
async function pool(items, n, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

const before = (await runtime.listVolumes({})).length;
const t0 = performance.now();
await pool(names, 8, (name) =>
  runtime.ensureVolume({ name, labels: { [LABELS.managed]: '1', [LABELS.instance]: INSTANCE } }),
);
const createMs = Math.round(performance.now() - t0);
const guard = new InstallationGuard({ runtime, instanceId: INSTANCE, logger: pino({ level: 'silent' }) });
try {
  const beats = [];
  const full = [];
  let markers = 0;
  let stall = 0;
  for (let i = 0; i < RUNS; i++) {
    // The longest gap between two runs of a 1 ms timer during the beat: the loop held meanwhile.
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 1);
    let t = performance.now();
    await guard.assertAlone();
    beats.push(performance.now() - t);
    clearInterval(timer);
    stall = Math.max(stall, performance.now() - last);
    t = performance.now();
    const all = await runtime.listVolumes({});
    full.push(performance.now() - t);
    markers = (await runtime.listVolumes({ [LABELS.purpose]: 'run-marker' })).length;
    if (i === 0) console.log(`engine volumes: ${all.length} (${before} before the bench's)`);
  }
  const rows = [
    ['guard beat (label-filtered)', round(median(beats)), round(Math.max(...beats))],
    ['whole volume listing', round(median(full)), round(Math.max(...full))],
  ];
  console.log(`installation guard, ${VOLUMES.toLocaleString('en')} bench volumes (made in ${createMs} ms)`);
  console.log(`${'what'.padEnd(28)}  ${'median ms'.padStart(9)}  ${'max ms'.padStart(8)}`);
  for (const [what, med, max] of rows)
    console.log(`${what.padEnd(28)}  ${String(med).padStart(9)}  ${String(max).padStart(8)}`);
  const loopMaxMs = round(stall);
  console.log(`markers listed by a beat: ${markers}; longest loop stall during beats: ${loopMaxMs} ms`);
  const out = join(
    HERE,
    'results',
    `installation-guard-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        volumes: VOLUMES,
        runs: RUNS,
        node: process.version,
        loadavg: os.loadavg(),
        createMs,
        beatMs: { median: round(median(beats)), max: round(Math.max(...beats)) },
        wholeListingMs: { median: round(median(full)), max: round(Math.max(...full)) },
        markers,
        loopMaxMs,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
} finally {
  await guard.stop();
  await pool(names, 8, (name) => runtime.removeVolume(name));
}
