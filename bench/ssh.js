#!/usr/bin/env node
/**
 * SSH benchmark: what does the path OpenSSH → `hearth ssh --stdio` → WebSocket → Hearth's SSH
 * gateway → engine exec cost against `docker exec -i` of the same command?
 *
 *   node bench/ssh.js [--runs N] [--mib N] [--streams N] [--stream-mib N] [--compare DIR] [--sshd]
 *
 * Both sides stream N MiB (default 256) through `cat` in a workspace container and count the
 * bytes that come back; the order alternates every round so a noisy machine hurts both alike.
 * Then each side runs --streams (default 30) such streams at once, --stream-mib MiB each.
 *
 *  ssh     `ssh -F <config> hearth.sshbench cat`, the entry `hearth config-ssh` wrote.
 *  direct  `docker exec -i <container> cat`.
 *  before  with --compare DIR: `ssh` through another checkout's server and CLI (built, e.g. the
 *          commit before a change), in the same rounds, to measure a change against what it replaces.
 *  sshd    with --sshd: OpenSSH's sshd as the gateway, for scale: `ssh` to a private sshd on
 *          loopback (its own host key, config and key in the bench's directory, public keys only)
 *          whose session runs `docker exec -i <container> cat`, the same exec through a server
 *          written in C and the docker CLI. Its server column is the sshd daemon's children's CPU
 *          (the sessions and the docker CLI they ran), as far as they have been reaped when a run ends.
 *
 * Per run: time to first byte (spawn → first byte of output; for ssh it includes the CLI start,
 * the tunnel and the SSH handshake), throughput (bytes / time from spawn to the end of output),
 * and the CPU time per MiB of the Hearth server, of the ProxyCommand (`hearth ssh --stdio`, read
 * from /proc while it runs: its last 0.1 s may be missed; one that hands the connection to ssh
 * (ProxyUseFdpass) lives only until the handshake, and as ssh waits for it, its CPU is in the
 * client's column too), of the client (ssh, or the docker CLI) and, when it runs on this machine,
 * of the engine (dockerd, containerd, the exec's shim and what it ran). Prints medians, the ssh/direct throughput ratio (target ≥ 0.8x, 30 streams ≥ 0.6x) and the
 * extra time to first byte (target < 100 ms); writes everything to bench/results/ssh-<timestamp>.json
 * (git-ignored). Everything it creates is removed at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { call, startBenchServer, stopBenchServer } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const TARGET_RATIO = 0.8;
const TARGET_STREAMS_RATIO = 0.6;
const TARGET_TTFB_MS = 100;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '256' },
    streams: { type: 'string', default: '30' },
    'stream-mib': { type: 'string', default: '16' },
    compare: { type: 'string' },
    sshd: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    'Usage: node bench/ssh.js [--runs N] [--mib N] [--streams N] [--stream-mib N] [--compare DIR] [--sshd]\n' +
      '  --runs        measured runs per side (default 5)\n' +
      '  --mib         MiB streamed per run (default 256)\n' +
      '  --streams     concurrent streams in the second part (default 30; 0 skips it)\n' +
      '  --stream-mib  MiB per concurrent stream (default 16)\n' +
      '  --compare     another checkout (built) whose server and CLI run as the side "before"\n' +
      '  --sshd        also OpenSSH\'s sshd (on loopback) running docker exec, as the side "sshd"',
  );
  process.exit(0);
}
const RUNS = Number(flags.runs);
const MIB = Number(flags.mib);
const STREAMS = Number(flags.streams);
const STREAM_MIB = Number(flags['stream-mib']);
if (
  ![RUNS, MIB, STREAM_MIB].every((n) => Number.isInteger(n) && n >= 1) ||
  !(Number.isInteger(STREAMS) && STREAMS >= 0)
) {
  console.error('--runs, --mib and --stream-mib must be whole numbers >= 1, --streams >= 0');
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;
const round2 = (x) => Math.round(x * 100) / 100;

/** CPU time (user + system) of process `pid` in ms, or undefined once it is gone. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  } catch {
    return undefined;
  }
}
/**
 * CPU time in ms of the children `pid` has waited for: this process's (ssh or docker, with what
 * they waited for) by default, or an sshd daemon's finished sessions.
 */
function childrenCpuMs(pid = 'self') {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
/** The engine's processes on this machine: the daemons and each exec's shim. */
const ENGINE_PROCESSES = /^(dockerd|containerd|containerd-shim.*)$/;
/**
 * CPU time in ms of the engine on this machine (dockerd, containerd and the shims, with the
 * processes each shim has reaped: the `cat` of a finished exec), or undefined when none of them
 * can be seen (an engine elsewhere, DOCKER_HOST on another host). Comparable between sides only:
 * a shim that exits during a run takes its time with it, alike on both.
 */
function engineCpuMs() {
  let total;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (!ENGINE_PROCESSES.test(name)) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total = (total ?? 0) + (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
  }
  return total;
}

/**
 * Follows the CPU time of `pid`'s children (ssh's ProxyCommand) while they run: ssh ends its
 * proxy with SIGHUP and does not wait for it, so its time never reaches our children's total.
 */
function followChildren(pid) {
  const last = new Map();
  const sample = () => {
    let kids = [];
    try {
      kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {}
    for (const kid of kids) {
      const ms = cpuMs(kid);
      if (ms !== undefined) last.set(kid, ms);
    }
  };
  const timer = setInterval(sample, 100);
  return () => {
    sample();
    clearInterval(timer);
    return [...last.values()].reduce((a, b) => a + b, 0);
  };
}

/** Streams `mib` MiB into `command`'s stdin; resolves with time to first byte, total time and CPU. */
function stream(command, args, env, mib) {
  const chunk = randomBytes(1024 * 1024);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const proxyCpu = followChildren(child.pid);
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
    // A client that exits early (refused, broken) closes its stdin under the pump: the exit status
    // and the byte count below report it, rather than an EPIPE that ends the bench and leaves its
    // servers and workspaces behind.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      const end = performance.now();
      const proxyMs = proxyCpu();
      if (code !== 0 || bytes !== mib * 1024 * 1024)
        return reject(new Error(`${command} exited ${code} after ${bytes} bytes: ${stderr}`));
      resolve({ ttfbMs: first - start, totalMs: end - start, proxyMs });
    });
    let sent = 0;
    const pump = () => {
      while (sent < mib) {
        sent++;
        if (!child.stdin.write(chunk)) return void child.stdin.once('drain', pump);
      }
      child.stdin.end();
    };
    pump();
  });
}

/** `count` streams at once through one side; throughput is their bytes over the time until the last ends. */
async function measure(side, count, mib) {
  const serverCpu = side.serverCpu ?? (() => (side.serverPid ? cpuMs(side.serverPid) : 0));
  const cpu0 = { server: serverCpu(), client: childrenCpuMs(), engine: engineCpuMs() };
  const start = performance.now();
  const runs = await Promise.all(Array.from({ length: count }, () => side.run(mib)));
  const totalMs = performance.now() - start;
  await side.settle?.();
  const total = count * mib;
  const perMib = (ms) => round2(ms / total);
  return {
    ttfbMs: median(runs.map((r) => r.ttfbMs)),
    totalMs,
    mibPerS: total / (totalMs / 1000),
    serverCpuMsPerMib: perMib(serverCpu() - cpu0.server),
    proxyCpuMsPerMib: perMib(runs.reduce((a, r) => a + r.proxyMs, 0)),
    clientCpuMsPerMib: perMib(childrenCpuMs() - cpu0.client),
    engineCpuMsPerMib: cpu0.engine === undefined ? undefined : perMib((engineCpuMs() ?? 0) - cpu0.engine),
  };
}

/** A server of checkout `root` with a running workspace and the ssh entry its CLI writes. */
async function setUp(root, name) {
  const bench = await startBenchServer(name, { bin: join(root, 'bin', 'hearth') });
  const { base, dir } = bench;
  try {
    bench.token = (
      await call(base, undefined, 'POST', '/setup', {
        username: 'sshbench',
        email: 'b@example.com',
        password: 'correct horse battery',
      })
    ).token;
    await call(base, bench.token, 'POST', '/orgs/default/images', { ref: 'hearth-demo:latest' });
    const ws = await call(base, bench.token, 'POST', '/workspaces', {
      name: 'sshbench',
      image: 'hearth-demo:latest',
      cpu: 2,
      memory: '1GiB',
    });
    for (let state = ws.state; state !== 'running'; ) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await call(base, bench.token, 'GET', '/users/me/workspaces/sshbench')).state;
      if (state === 'failed') throw new Error('the bench workspace failed to build');
    }
    bench.container = (
      await promisify(execFile)('docker', [
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=dev.hearth.workspace-id=${ws.id}`,
      ])
    ).stdout.trim();
    bench.env = {
      ...process.env,
      HOME: dir,
      HEARTH_CONFIG_DIR: join(dir, 'config'),
      HEARTH_URL: base,
      HEARTH_TOKEN: bench.token,
    };
    bench.sshConfig = join(dir, 'ssh_config');
    // Not execFileSync: the server must answer while the CLI runs. Through bin/hearth, as a user
    // runs it: the ProxyCommand it writes is then the bundled CLI's launcher, as deployed.
    await promisify(execFile)(join(root, 'bin', 'hearth'), ['config-ssh', '--ssh-config', bench.sshConfig], {
      env: bench.env,
    });
    return bench;
  } catch (error) {
    await stopBenchServer(bench, bench.token, 'sshbench');
    throw error;
  }
}

/**
 * A private sshd on a free loopback port, for the side `sshd`: host key, client key, configs and
 * authorized key in `dir`, public keys only, for this user. Its sessions run `docker exec -i
 * <container> cat` with this process's DOCKER_HOST. Resolves once it listens; `stop()` ends it.
 */
async function startSshd(dir, container) {
  const sshdBin = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((path) => existsSync(path));
  if (!sshdBin) throw new Error("--sshd needs OpenSSH's sshd (apt-get install -y openssh-server)");
  const base = join(dir, 'sshd');
  mkdirSync(base);
  for (const key of ['host', 'client'])
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(base, key)]);
  writeFileSync(join(base, 'authorized_keys'), readFileSync(join(base, 'client.pub')));
  // sshd run as root refuses to start without its privilege separation directory, which a system
  // that never ran the sshd service lacks.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await new Promise((resolvePort, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
    probe.on('error', reject);
  });
  const user = os.userInfo().username;
  writeFileSync(
    join(base, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(base, 'host')}`,
      `AuthorizedKeysFile ${join(base, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The concurrent part opens --streams connections at once; by default sshd drops some beyond 10.
      'MaxStartups 1000',
      // The key and its directory are the bench's own, under the temporary directory.
      'StrictModes no',
      `PidFile ${join(base, 'sshd.pid')}`,
      // As config-ssh does for Hearth: AES-GCM, which both ends run on AES-NI.
      'Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com',
      '',
    ].join('\n'),
  );
  const config = join(base, 'ssh_config');
  writeFileSync(
    config,
    [
      'Host sshd.sshbench',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${join(base, 'client')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(base, 'known_hosts')}`,
      '  StrictHostKeyChecking accept-new',
      '  Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const daemon = spawn(sshdBin, ['-D', '-e', '-f', join(base, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((ready, reject) => {
    let err = '';
    daemon.stderr.on('data', (c) => {
      err += c;
      if (err.includes('Server listening')) ready();
    });
    daemon.once('exit', (code) => reject(new Error(`sshd exited ${code}: ${err}`)));
  });
  const dockerHost = process.env.DOCKER_HOST
    ? `DOCKER_HOST='${process.env.DOCKER_HOST.replaceAll("'", "'\\''")}' `
    : '';
  return {
    serverCpu: () => childrenCpuMs(daemon.pid),
    run: (mib) =>
      stream(
        'ssh',
        ['-F', config, 'sshd.sshbench', `${dockerHost}docker exec -i ${container} cat`],
        process.env,
        mib,
      ),
    // Until the daemon has reaped its sessions, their CPU is not yet its children's.
    settle: async () => {
      const children = `/proc/${daemon.pid}/task/${daemon.pid}/children`;
      for (let i = 0; i < 100 && readFileSync(children, 'utf8').trim() !== ''; i++)
        await new Promise((r) => setTimeout(r, 20));
    },
    stop: () =>
      new Promise((stopped) => {
        if (daemon.exitCode !== null) return stopped();
        daemon.once('exit', stopped);
        daemon.kill('SIGTERM');
      }),
  };
}

// The servers run as their own processes, as deployed: this one is busy feeding and counting streams.
// Through bin/hearth, which starts node with the server's V8 flags.
const benches = [];
let sshd;
try {
  const current = await setUp(ROOT, 'ssh');
  benches.push(current);
  const sides = {
    ssh: {
      serverPid: current.server.pid,
      run: (mib) => stream('ssh', ['-F', current.sshConfig, 'hearth.sshbench', 'cat'], current.env, mib),
    },
    direct: {
      run: (mib) => stream('docker', ['exec', '-i', current.container, 'cat'], current.env, mib),
    },
  };
  if (flags.compare) {
    const before = await setUp(resolve(flags.compare), 'ssh-before');
    benches.push(before);
    sides.before = {
      serverPid: before.server.pid,
      run: (mib) => stream('ssh', ['-F', before.sshConfig, 'hearth.sshbench', 'cat'], before.env, mib),
    };
  }
  if (flags.sshd) {
    sshd = await startSshd(current.dir, current.container);
    sides.sshd = sshd;
  }
  const names = Object.keys(sides);
  const rounds = async (count, mib, runs) => {
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      const order = i % 2 ? [...names].reverse() : names;
      for (const n of order) samples[n].push(await measure(sides[n], count, mib));
    }
    const summary = Object.fromEntries(
      names.map((n) => {
        const xs = samples[n];
        const m = (key) => median(xs.map((x) => x[key]));
        return [
          n,
          {
            ttfbMs: round1(m('ttfbMs')),
            totalMs: round1(m('totalMs')),
            mibPerS: round1(m('mibPerS')),
            serverCpuMsPerMib: m('serverCpuMsPerMib'),
            proxyCpuMsPerMib: m('proxyCpuMsPerMib'),
            clientCpuMsPerMib: m('clientCpuMsPerMib'),
            engineCpuMsPerMib: xs[0].engineCpuMsPerMib === undefined ? undefined : m('engineCpuMsPerMib'),
          },
        ];
      }),
    );
    for (const n of names) summary[n].ratio = round2(summary[n].mibPerS / summary.direct.mibPerS);
    return { samples, summary };
  };
  const print = (title, summary) => {
    console.log(title);
    console.log('side     ttfb ms   total ms    MiB/s   ratio   CPU ms/MiB: server  proxy  client  engine');
    for (const [n, s] of Object.entries(summary))
      console.log(
        `${n.padEnd(8)} ${String(s.ttfbMs).padStart(7)} ${String(s.totalMs).padStart(10)} ${String(s.mibPerS).padStart(8)} ${`${s.ratio}x`.padStart(7)} ${String(s.serverCpuMsPerMib).padStart(19)} ${String(s.proxyCpuMsPerMib).padStart(6)} ${String(s.clientCpuMsPerMib).padStart(7)} ${String(s.engineCpuMsPerMib ?? '-').padStart(7)}`,
      );
  };

  for (const n of names) await sides[n].run(1);
  const single = await rounds(1, MIB, RUNS);
  print(`${MIB} MiB through cat, ${RUNS} runs per side, medians:`, single.summary);
  const ratio = single.summary.ssh.ratio;
  const extraTtfb = round1(single.summary.ssh.ttfbMs - single.summary.direct.ttfbMs);
  console.log(
    `throughput ratio ssh/direct: ${ratio}x (target >= ${TARGET_RATIO}x) ${ratio >= TARGET_RATIO ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `extra time to first byte: ${extraTtfb} ms (target < ${TARGET_TTFB_MS} ms) ${extraTtfb < TARGET_TTFB_MS ? 'ok' : 'MISSED'}`,
  );
  let concurrent;
  if (STREAMS > 0) {
    concurrent = await rounds(STREAMS, STREAM_MIB, 1);
    print(
      `\n${STREAMS} concurrent streams of ${STREAM_MIB} MiB (aggregate; ttfb is their median):`,
      concurrent.summary,
    );
    const r = concurrent.summary.ssh.ratio;
    console.log(
      `${STREAMS} streams ratio ssh/direct: ${r}x (target >= ${TARGET_STREAMS_RATIO}x) ${r >= TARGET_STREAMS_RATIO ? 'ok' : 'MISSED'}`,
    );
  }
  const results = join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `ssh-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        mib: MIB,
        runs: RUNS,
        streams: STREAMS,
        streamMib: STREAM_MIB,
        compare: flags.compare,
        sshd: flags.sshd,
        machine: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg() },
        single,
        concurrent,
        ratio,
        extraTtfbMs: extraTtfb,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${file}`);
} finally {
  await sshd?.stop();
  for (const bench of benches) await stopBenchServer(bench, bench.token, 'sshbench');
}
