#!/usr/bin/env node
/**
 * CLI start-up benchmark: how long does a `hearth` command take next to starting node itself?
 *
 *   node bench/cli-start.js [--runs N] [--warmups N] [--compare OTHER/bin/hearth]
 *
 * Every sample is the wall time of one child process, from spawn until it exits, run exactly as a
 * person types it (`bin/hearth …`: its `/bin/sh` line, then node, with the same flags). The warm-ups are also the
 * runs that write the CLI's code cache (in the temp HOME), as a command's first run does. The commands:
 *
 *  node -e 0        the floor: node starting and exiting
 *  hearth --version the version, nothing else
 *  hearth --help    the whole command tree rendered
 *  hearth whoami    a real API command: read the session, one HTTP request to a real Hearth
 *                   server (started in this process on 127.0.0.1, temp data dir, the configured
 *                   engine), print the answer
 *  hearth list      another one, from another command file (an empty table)
 *
 * --compare runs the same hearth commands with another checkout's bin/hearth too, in the same
 * rounds (rows named `other: …`), so a change is measured against what it replaces.
 *
 * Commands are interleaved round by round (the order rotates), so a noisy machine hurts all alike.
 * Prints a table (median, p90, min, max, ratio of medians to `node -e 0`) against the target
 * (each command within 1.5x of node) and writes bench/results/cli-start-<timestamp>.json
 * (git-ignored). The server and its temp directory are removed at the end.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, startServer } from '@hearth/server';
import pino from 'pino';

const HERE = dirname(fileURLToPath(import.meta.url));
const HEARTH = join(HERE, '..', 'bin', 'hearth');
const TARGET_RATIO = 1.5;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    warmups: { type: 'string', default: '3' },
    compare: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    [
      'Usage: node bench/cli-start.js [--runs N] [--warmups N] [--compare OTHER/bin/hearth]',
      '  --runs     measured runs per command (default 20)',
      '  --warmups  unmeasured runs per command first (default 3)',
      "  --compare  also time another checkout's bin/hearth, interleaved (rows `other: ...`)",
    ].join('\n'),
  );
  process.exit(0);
}
const RUNS = wholeNumber('--runs', flags.runs, 1);
const WARMUPS = wholeNumber('--warmups', flags.warmups, 0);
if (flags.compare !== undefined) {
  try {
    accessSync(flags.compare, constants.X_OK);
  } catch {
    console.error(`--compare "${flags.compare}" is not an executable: give another checkout's bin/hearth`);
    process.exit(2);
  }
}

function wholeNumber(name, text, min) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} "${text}" must be a whole number >= ${min}`);
    process.exit(2);
  }
  return n;
}

const round1 = (x) => Math.round(x * 10) / 10;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map((c) => String(c)));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

/** Runs one command to its end; resolves with its wall time in ms; rejects on a non-zero exit. */
function timeOnce(command, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

const state = { tempDir: undefined, server: undefined, logger: undefined };

async function main() {
  const startedAt = new Date();
  const cpus = os.cpus();
  console.log(
    `hearth CLI start-up benchmark: ${RUNS} runs + ${WARMUPS} warm-ups per command, interleaved; ` +
      `${cpus.length} cpus (${cpus[0]?.model ?? 'unknown'}), node ${process.version}`,
  );

  // A real server for `whoami`, and a CLI config directory logged in to it.
  state.tempDir = mkdtempSync(join(os.tmpdir(), 'hearth-bench-cli-'));
  const loaded = loadConfig(
    ['--listen', '127.0.0.1:0', '--data-dir', join(state.tempDir, 'data')],
    process.env,
  );
  if (loaded.ok !== true) throw new Error(`config: ${loaded.problems?.join('; ')}`);
  state.logger = pino({ level: 'warn' }, pino.destination(join(state.tempDir, 'hearth.log')));
  state.server = await startServer(loaded.config, { logger: state.logger });
  const res = await fetch(`${state.server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', email: 'bench@example.com', password: 'bench-password-1' }),
  });
  if (!res.ok) throw new Error(`setup: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  const env = {
    PATH: process.env.PATH,
    HOME: state.tempDir,
    HEARTH_CONFIG_DIR: join(state.tempDir, 'cli'),
    HEARTH_URL: state.server.url,
    HEARTH_TOKEN: token,
  };

  const hearthArgs = [['--version'], ['--help'], ['whoami'], ['list']];
  const commands = [
    { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
    ...hearthArgs.map((args) => ({ name: `hearth ${args.join(' ')}`, command: HEARTH, args })),
    ...(flags.compare === undefined
      ? []
      : hearthArgs.map((args) => ({
          name: `other: hearth ${args.join(' ')}`,
          command: flags.compare,
          args,
        }))),
  ];
  const samples = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let round = 0; round < WARMUPS + RUNS; round++) {
    const order = commands.map((_, i) => commands[(i + round) % commands.length]);
    for (const c of order) {
      const ms = await timeOnce(c.command, c.args, env);
      if (round >= WARMUPS) samples[c.name].push(ms);
    }
  }

  const floor = median(samples['node -e 0']);
  const results = commands.map((c) => {
    const xs = samples[c.name];
    const ratio = median(xs) / floor;
    return {
      command: c.name,
      median: round1(median(xs)),
      p90: round1(percentile(xs, 90)),
      min: round1(Math.min(...xs)),
      max: round1(Math.max(...xs)),
      ratio: Math.round(ratio * 100) / 100,
      met: ratio <= TARGET_RATIO,
      samples: xs.map(round1),
    };
  });
  console.log('');
  console.log(
    table(
      ['command', 'median ms', 'p90 ms', 'min', 'max', 'x node', `<= ${TARGET_RATIO}x`],
      results.map((r) => [
        r.command,
        r.median,
        r.p90,
        r.min,
        r.max,
        r.ratio.toFixed(2),
        r.command === 'node -e 0' ? '' : r.met ? 'MET' : 'MISSED',
      ]),
    ),
  );

  const result = {
    benchmark: 'cli-start',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { runs: RUNS, warmups: WARMUPS, compare: flags.compare ?? null },
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAvgEnd: os.loadavg(),
    },
    target: TARGET_RATIO,
    met: results.every((r) => r.met),
    results,
  };
  const resultsDir = join(HERE, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `cli-start-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log('');
  console.log(`wrote ${file}`);
}

async function cleanup() {
  try {
    await state.server?.close(10_000);
    state.logger?.flush();
  } catch (error) {
    console.error(`cleanup: server: ${error.message}`);
  }
  if (state.tempDir) rmSync(state.tempDir, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  console.error(`benchmark failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
