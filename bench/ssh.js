#!/usr/bin/env node
/**
 * SSH benchmark: what does the path OpenSSH → `hearth ssh --stdio` → WebSocket → Hearth's SSH
 * gateway → engine exec cost against `docker exec -i` of the same command?
 *
 *   node bench/ssh.js [--runs N] [--mib N]
 *
 * Both sides stream N MiB (default 256) through `cat` in the same workspace container and count
 * the bytes that come back; the order alternates every round so a noisy machine hurts both alike.
 *
 *  ssh     `ssh -F <config> hearth.sshbench cat`, the entry `hearth config-ssh` wrote.
 *  direct  `docker exec -i <container> cat`.
 *
 * Per run: time to first byte (spawn → first byte of output; for ssh it includes the CLI start,
 * the tunnel and the SSH handshake) and throughput (bytes / time from spawn to the end of output).
 * Prints medians, the ssh/direct throughput ratio (target ≥ 0.5x) and the extra time to first
 * byte (target < 150 ms); writes everything to bench/results/ssh-<timestamp>.json (git-ignored).
 * Everything it creates is removed at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { call, startBenchServer, stopBenchServer } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'packages', 'cli', 'dist', 'src', 'main.js');
const TARGET_RATIO = 0.5;
const TARGET_TTFB_MS = 150;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '256' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    'Usage: node bench/ssh.js [--runs N] [--mib N]\n  --runs  measured runs per side (default 5)\n  --mib   MiB streamed per run (default 256)',
  );
  process.exit(0);
}
const RUNS = Number(flags.runs);
const MIB = Number(flags.mib);
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(MIB) || MIB < 1) {
  console.error('--runs and --mib must be whole numbers >= 1');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;

/** Streams MIB MiB into `command`'s stdin; resolves with time to first byte and total time. */
function measure(command, args, env) {
  const chunk = randomBytes(1024 * 1024);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let first;
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (c) => {
      first ??= performance.now();
      bytes += c.length;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      if (code !== 0 || bytes !== MIB * 1024 * 1024)
        return reject(new Error(`${command} exited ${code} after ${bytes} bytes: ${stderr}`));
      resolve({ ttfbMs: first - start, totalMs: end - start, mibPerS: MIB / ((end - start) / 1000) });
    });
    let sent = 0;
    const pump = () => {
      while (sent < MIB) {
        sent++;
        if (!child.stdin.write(chunk)) return void child.stdin.once('drain', pump);
      }
      child.stdin.end();
    };
    pump();
  });
}

// The server runs as its own process, as deployed: this one is busy feeding and counting streams.
// Through bin/hearth, which starts node with the server's V8 flags.
const { server, base, dir } = await startBenchServer('ssh');
let token;
try {
  token = (
    await call(base, undefined, 'POST', '/setup', {
      username: 'sshbench',
      email: 'b@example.com',
      password: 'correct horse battery',
    })
  ).token;
  await call(base, token, 'POST', '/orgs/default/images', { ref: 'hearth-demo:latest' });
  const ws = await call(base, token, 'POST', '/workspaces', {
    name: 'sshbench',
    image: 'hearth-demo:latest',
    cpu: 2,
    memory: '1GiB',
  });
  for (let state = ws.state; state !== 'running'; ) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await call(base, token, 'GET', '/users/me/workspaces/sshbench')).state;
    if (state === 'failed') throw new Error('the bench workspace failed to build');
  }
  const container = (
    await promisify(execFile)('docker', [
      'ps',
      '-q',
      '--no-trunc',
      '--filter',
      `label=dev.hearth.workspace-id=${ws.id}`,
    ])
  ).stdout.trim();
  const env = {
    ...process.env,
    HOME: dir,
    HEARTH_CONFIG_DIR: join(dir, 'config'),
    HEARTH_URL: base,
    HEARTH_TOKEN: token,
  };
  const sshConfig = join(dir, 'ssh_config');
  // Not execFileSync: the server runs in this process and must answer.
  await promisify(execFile)(process.execPath, [CLI, 'config-ssh', '--ssh-config', sshConfig], { env });

  const sides = {
    ssh: () => measure('ssh', ['-F', sshConfig, 'hearth.sshbench', 'cat'], env),
    direct: () => measure('docker', ['exec', '-i', container, 'cat'], env),
  };
  const samples = { ssh: [], direct: [] };
  await sides.ssh();
  await sides.direct();
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 ? ['direct', 'ssh'] : ['ssh', 'direct']) samples[side].push(await sides[side]());
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([side, xs]) => [
      side,
      {
        ttfbMs: round1(median(xs.map((x) => x.ttfbMs))),
        totalMs: round1(median(xs.map((x) => x.totalMs))),
        mibPerS: round1(median(xs.map((x) => x.mibPerS))),
      },
    ]),
  );
  const ratio = Math.round((summary.ssh.mibPerS / summary.direct.mibPerS) * 100) / 100;
  const extraTtfb = round1(summary.ssh.ttfbMs - summary.direct.ttfbMs);
  console.log(`${MIB} MiB through cat, ${RUNS} runs per side, medians:`);
  console.log('side     ttfb ms   total ms   MiB/s');
  for (const [side, s] of Object.entries(summary))
    console.log(
      `${side.padEnd(8)} ${String(s.ttfbMs).padStart(7)} ${String(s.totalMs).padStart(10)} ${String(s.mibPerS).padStart(7)}`,
    );
  console.log(
    `throughput ratio ssh/direct: ${ratio}x (target >= ${TARGET_RATIO}x) ${ratio >= TARGET_RATIO ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `extra time to first byte: ${extraTtfb} ms (target < ${TARGET_TTFB_MS} ms) ${extraTtfb < TARGET_TTFB_MS ? 'ok' : 'MISSED'}`,
  );
  const results = join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `ssh-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ mib: MIB, runs: RUNS, machine: { cpus: os.cpus().length, node: process.version }, summary, ratio, extraTtfbMs: extraTtfb, samples }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
} finally {
  await stopBenchServer({ server, base, dir }, token, 'sshbench');
}
