#!/usr/bin/env node
/**
 * Warm-rebuild benchmark: how much does Hearth add on top of the engine calls a rebuild needs?
 *
 *   node bench/rebuild.js [--runs N] [--warmups N] [--pause MS] [--trace]
 *
 * Two sides, measured in one process and interleaved (the order alternates every round) so that
 * a noisy machine hurts both alike:
 *
 *  hearth  a real Hearth server started in-process (temp data dir, 127.0.0.1, port 0, the real
 *          Docker engine). One sample = wall time from sending
 *          `POST /api/v1/users/me/workspaces/bench/rebuild` until the watch stream
 *          (`GET .../watch`, server-sent events, opened once and kept open) shows the workspace
 *          `running` with a higher build number. The build's stage durations are recorded too.
 *  direct  the floor: the engine calls a warm rebuild needs, made with dockerode: inspect the home
 *          volume, stop (graceful, same grace as Hearth) and remove the old container, create the
 *          new one, start it, and one exec in it as the image's user in home that runs the image's
 *          configure script (`true` when it has none: Hearth needs that one exec to write the
 *          secrets, and writes them in configure's exec when there is one). The create body
 *          mirrors the container Hearth itself created (read back with inspect), so both sides ask
 *          the engine for the same thing.
 *
 * What Hearth does in addition to the direct sequence, by design: it inspects the image (the
 * `pull` stage resolves the tag to an id) and lists containers by workspace label to find the old
 * one; it also writes the store (SQLite) and publishes events. Those are the costs the ratio shows.
 *
 * `--trace` wraps Hearth's runtime port in a timing proxy, so the JSON also holds every engine
 * call Hearth made during each rebuild, and the summary shows engine time vs. the rest.
 *
 * Prints a table (median, p90, min, max per side), the hearth/direct ratio of medians against
 * the target, and Hearth's median stage breakdown; writes everything to
 * bench/results/rebuild-<timestamp>.json (git-ignored). Everything it creates is removed at the
 * end, also when it fails or is interrupted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, startServer } from '@hearth/server';
import Docker from 'dockerode';
import pino from 'pino';

const HERE = dirname(fileURLToPath(import.meta.url));
const API = '/api/v1';
const IMAGE = 'hearth-demo:latest';
const WORKSPACE = 'bench';
const DIRECT_PREFIX = 'hearth-bench-direct-';
const DIRECT_VOLUME = `${DIRECT_PREFIX}home`;
/** Labels on the direct side's objects; not Hearth's own keys, so no Hearth reconciler adopts or removes them. */
const DIRECT_LABEL = 'dev.hearth-bench.direct';
const TARGET_RATIO = 1.15;
/** How long one rebuild (either side) may take before the benchmark gives up. */
const STEP_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    warmups: { type: 'string', default: '2' },
    pause: { type: 'string', default: '200' },
    trace: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    [
      'Usage: node bench/rebuild.js [--runs N] [--warmups N] [--pause MS] [--trace]',
      '  --runs     measured rebuilds per side (default 15)',
      '  --warmups  unmeasured rebuilds per side first (default 2)',
      '  --pause    idle time after every sample, same for both sides (default 200 ms)',
      '  --trace    time every engine call Hearth makes (wraps its runtime port; reported in the JSON)',
    ].join('\n'),
  );
  process.exit(0);
}
const RUNS = wholeNumber('--runs', flags.runs, 1);
const WARMUPS = wholeNumber('--warmups', flags.warmups, 0);
const PAUSE_MS = wholeNumber('--pause', flags.pause, 0);
const TRACE = flags.trace;

function wholeNumber(name, text, min) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} "${text}" must be a whole number >= ${min}`);
    process.exit(2);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Small helpers: clock, statistics, HTTP
// ---------------------------------------------------------------------------------------------

/** Milliseconds since the epoch with sub-millisecond resolution (comparable with the server's ISO times). */
const epochMs = () => performance.timeOrigin + performance.now();

const round1 = (x) => Math.round(x * 10) / 10;

/** Build stages that run inside the new container; the direct engine sequence has none of them. */
const HOOK_STAGES = ['secrets', 'configure', 'personalize'];

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

function summarize(xs) {
  return {
    median: round1(median(xs)),
    p90: round1(percentile(xs, 90)),
    min: round1(Math.min(...xs)),
    max: round1(Math.max(...xs)),
  };
}

/** A tiny JSON client for the Hearth API (global fetch, keep-alive). Throws on a non-2xx answer. */
function apiClient(baseUrl) {
  let token;
  const call = async (method, path, body) => {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${API}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (!res.ok) {
      const error = new Error(
        `${method} ${path}: ${res.status} ${data?.code ?? ''} ${data?.message ?? text}`,
      );
      error.status = res.status;
      throw error;
    }
    return data;
  };
  return {
    call,
    setToken: (t) => {
      token = t;
    },
    token: () => token,
  };
}

/**
 * The workspace's watch stream (server-sent events), kept open for the whole benchmark. Every
 * `workspace` event replaces {@link latest}; {@link waitFor} resolves with the first snapshot (and
 * the time its bytes were read) that a predicate accepts.
 */
class Watch {
  latest;
  #url;
  #token;
  #abort = new AbortController();
  #waiters = new Set();
  #ended = false;
  #done;

  constructor(url, token) {
    this.#url = url;
    this.#token = token;
  }

  /** Opens the stream and waits for the first snapshot. */
  async open() {
    const res = await fetch(this.#url, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${this.#token}` },
      signal: this.#abort.signal,
    });
    if (!res.ok) throw new Error(`watch: ${res.status} ${await res.text()}`);
    this.#done = this.#read(res.body.getReader()).catch((error) => {
      if (error.name !== 'AbortError') this.#finish(error);
    });
    await this.waitFor(() => true, 10_000, 'first snapshot');
  }

  async #read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const at = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        this.#dispatch(buffer.slice(0, end), at);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
    this.#finish(new Error('the watch stream ended'));
  }

  #dispatch(block, at) {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // keep-alive comment
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trimStart();
    }
    if (event !== 'workspace') return; // `log` lines are not needed here
    this.latest = JSON.parse(data);
    for (const w of this.#waiters) w.check(this.latest, at);
  }

  #finish(error) {
    this.#ended = true;
    for (const w of this.#waiters) w.fail(error);
  }

  /**
   * Resolves `{ snapshot, at }` for the first snapshot (the current one included) for which
   * `accept` returns true; `accept` may throw to fail the wait (e.g. the build failed).
   */
  waitFor(accept, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: (snapshot, at) => {
          try {
            if (!accept(snapshot)) return;
            cleanup();
            resolve({ snapshot, at });
          } catch (error) {
            cleanup();
            reject(error);
          }
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      if (this.#ended) waiter.fail(new Error('the watch stream has ended'));
      else if (this.latest) waiter.check(this.latest, performance.now());
    });
  }

  async close() {
    this.#abort.abort();
    await this.#done;
  }
}

// ---------------------------------------------------------------------------------------------
// --trace: a timing proxy around Hearth's runtime port
// ---------------------------------------------------------------------------------------------

/**
 * Wraps a runtime so every method call is recorded as `{ method, start, ms }` (start on the
 * performance clock). Methods are called on the real object, so private fields keep working.
 */
function tracedRuntime(runtime, calls) {
  return new Proxy(runtime, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args) => {
        const start = performance.now();
        const record = (ok) => calls.push({ method: String(prop), start, ms: performance.now() - start, ok });
        let result;
        try {
          result = value.apply(target, args);
        } catch (error) {
          record(false);
          throw error;
        }
        if (result && typeof result.then === 'function') {
          return result.then(
            (v) => {
              record(true);
              return v;
            },
            (error) => {
              record(false);
              throw error;
            },
          );
        }
        record(true);
        return result;
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

// The engine hearth server would use: HEARTH_DOCKER_HOST, else DOCKER_HOST, else the local socket.
const ENGINE_ENV = Object.fromEntries(
  ['HEARTH_DOCKER_HOST', 'DOCKER_HOST'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
);
const { resolveEndpoint } = await import('../packages/server/dist/src/runtime/docker/endpoint.js');
const docker = new Docker(resolveEndpoint({ host: engineConfig().dockerHost }).modem);

function engineConfig() {
  const loaded = loadConfig([], ENGINE_ENV);
  if (loaded.ok !== true) throw new Error(`config: ${loaded.problems?.join('; ')}`);
  return loaded.config;
}
/** Everything cleanup needs to know; filled in as things are created. */
const state = {
  tempDir: undefined,
  server: undefined,
  logger: undefined,
  api: undefined,
  watch: undefined,
  workspaceId: undefined,
  directContainer: undefined,
};

async function main() {
  const startedAt = new Date();
  const machine = await machineInfo();
  console.log(
    `hearth rebuild benchmark: ${RUNS} runs + ${WARMUPS} warm-ups per side, interleaved; ` +
      `${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, docker ${machine.docker.version}`,
  );
  await removeDirectLeftovers();

  // --- Hearth: a real server in this process ---------------------------------------------------
  state.tempDir = mkdtempSync(join(os.tmpdir(), 'hearth-bench-'));
  const loaded = loadConfig(
    ['--listen', '127.0.0.1:0', '--data-dir', join(state.tempDir, 'data')],
    ENGINE_ENV,
  );
  if (loaded.ok !== true) throw new Error(`config: ${loaded.problems?.join('; ')}`);
  const config = loaded.config;
  // Server logs go to a file at the default level (same work as production, keeps the table clean).
  const logFile = join(state.tempDir, 'hearth.log');
  state.logger = pino({ level: config.logLevel, base: { service: 'hearth' } }, pino.destination(logFile));
  const engineCalls = [];
  let runtime;
  if (TRACE) {
    // Same construction as startServer's default, reached through the built package's file.
    const { DockerRuntime } = await import('../packages/server/dist/src/runtime/docker/docker-runtime.js');
    runtime = (options) => tracedRuntime(new DockerRuntime(options), engineCalls);
  }
  state.server = await startServer(config, { logger: state.logger, ...(runtime ? { runtime } : {}) });
  const api = apiClient(state.server.url);
  state.api = api;

  const session = await api.call('POST', '/setup', {
    username: 'bench',
    email: 'bench@example.com',
    password: 'bench-password-1',
  });
  api.setToken(session.token);
  await api.call('POST', '/orgs/default/images', { ref: IMAGE, description: 'rebuild benchmark' });
  const created = await api.call('POST', '/workspaces', { name: WORKSPACE, image: IMAGE });
  state.workspaceId = created.id;
  const watch = new Watch(`${state.server.url}${API}/users/me/workspaces/${WORKSPACE}/watch`, api.token());
  state.watch = watch;
  await watch.open();
  await watch.waitFor(buildSettled(0), STEP_TIMEOUT_MS, 'the first build');

  // --- Direct: mirror what Hearth asked the engine for ----------------------------------------
  const hearthContainer = await docker.getContainer(await hearthContainerId()).inspect();
  const imageInfo = await docker.getImage(hearthContainer.Image).inspect();
  const directBody = directCreateBody(hearthContainer, imageInfo);
  await docker.createVolume({ Name: DIRECT_VOLUME, Labels: { [DIRECT_LABEL]: '1' } });
  let directSeq = 0;
  const first = await docker.createContainer(directBody(`${DIRECT_PREFIX}${directSeq}`));
  await first.start();
  state.directContainer = first.id;
  const configure = await configureCommand(first);
  console.log(`floor exec: ${configure.join(' ')} (as ${hearthContainer.Config.User || 'the image user'})`);

  /** One Hearth rebuild: request → running with a higher build number, observed on the watch stream. */
  async function hearthRebuild() {
    const before = watch.latest.lastBuild?.number ?? 0;
    const callsFrom = engineCalls.length;
    const waiting = watch.waitFor(buildSettled(before), STEP_TIMEOUT_MS, `build #${before + 1}`);
    const t0 = performance.now();
    const sentAt = epochMs();
    await api.call('POST', `/users/me/workspaces/${WORKSPACE}/rebuild`, {});
    const accepted = performance.now();
    const { snapshot, at } = await waiting;
    const build = snapshot.lastBuild;
    const observedAt = sentAt + (at - t0);
    const stages = Object.fromEntries(build.stages.map((s) => [s.name, s.durationMs]));
    const sumStages = build.stages.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    const sample = {
      ms: at - t0,
      build: build.number,
      stages,
      // Where the wall time went, from the client's clock and the build's own timestamps (same host clock).
      segments: {
        request: accepted - t0, // POST answered 202 (auth, transaction, view)
        toBuildStart: Date.parse(build.startedAt) - sentAt, // request + queue pick-up + run preamble
        build: build.durationMs, // startedAt → finishedAt
        betweenStages: build.durationMs - sumStages, // store writes and events around the stages
        toObserved: observedAt - Date.parse(build.finishedAt), // final commit → snapshot read off the stream
      },
    };
    if (TRACE) sample.engineCalls = engineCallsOf(engineCalls.slice(callsFrom), t0);
    return sample;
  }

  /** One direct rebuild: inspect volume, stop + remove the old container, create, start. */
  async function directRebuild() {
    directSeq++;
    const steps = {};
    const t0 = performance.now();
    let t = t0;
    const step = (name) => {
      const now = performance.now();
      steps[name] = now - t;
      t = now;
    };
    await docker.getVolume(DIRECT_VOLUME).inspect();
    step('inspectVolume');
    const old = docker.getContainer(state.directContainer);
    await old.stop({ t: config.stopGraceSeconds });
    step('stop');
    await old.remove({ force: true, v: false });
    step('remove');
    state.directContainer = undefined;
    const created = await docker.createContainer(directBody(`${DIRECT_PREFIX}${directSeq}`));
    state.directContainer = created.id;
    step('create');
    await created.start();
    step('start');
    await execToEnd(created, configure, hearthContainer.Config.User, hearthContainer.Config.WorkingDir);
    step('exec');
    return { ms: performance.now() - t0, steps };
  }

  // --- Interleaved rounds ------------------------------------------------------------------------
  const samples = { hearth: [], direct: [] };
  const total = WARMUPS + RUNS;
  for (let round = 0; round < total; round++) {
    const warm = round < WARMUPS;
    // Alternate which side goes first, so neither always follows the other's engine clean-up.
    const order = round % 2 === 0 ? ['hearth', 'direct'] : ['direct', 'hearth'];
    const line = [];
    for (const side of order) {
      const sample = side === 'hearth' ? await hearthRebuild() : await directRebuild();
      if (!warm) samples[side].push(sample);
      line.push(`${side} ${sample.ms.toFixed(0).padStart(5)} ms`);
      await sleep(PAUSE_MS);
    }
    console.log(
      `${warm ? 'warm-up' : `run ${String(round - WARMUPS + 1).padStart(2)}`}  ${line.join('   ')}`,
    );
  }

  // --- Report -----------------------------------------------------------------------------------
  const hearthMs = samples.hearth.map((s) => s.ms);
  const directMs = samples.direct.map((s) => s.ms);
  const stats = { hearth: summarize(hearthMs), direct: summarize(directMs) };
  const ratio = median(hearthMs) / median(directMs);
  // Rounds are paired (both sides back to back), so the per-round difference cancels slow phases of
  // the machine; its median is a steadier view of Hearth's added cost than the ratio of medians.
  const diffs = hearthMs.map((ms, i) => ms - directMs[i]);
  const pairedDiff = {
    median: round1(median(diffs)),
    p10: round1(percentile(diffs, 10)),
    p90: round1(percentile(diffs, 90)),
  };
  // The hook stages (secrets, configure, personalize: work run inside the new container) have one
  // exec as their counterpart in the floor; Hearth's rebuild is also compared without them: the
  // whole wall time minus those stages' durations, per sample, against the floor minus its exec.
  const coreMs = samples.hearth.map(
    (s) => s.ms - HOOK_STAGES.reduce((sum, n) => sum + (s.stages[n] ?? 0), 0),
  );
  // ...against the floor without its exec.
  const directCoreMs = samples.direct.map((s) => s.ms - s.steps.exec);
  const coreRatio = median(coreMs) / median(directCoreMs);
  const stageNames = Object.keys(samples.hearth[0].stages);
  const stageMedians = Object.fromEntries(
    stageNames.map((n) => [n, round1(median(samples.hearth.map((s) => s.stages[n] ?? 0)))]),
  );
  const segmentMedians = Object.fromEntries(
    Object.keys(samples.hearth[0].segments).map((k) => [
      k,
      round1(median(samples.hearth.map((s) => s.segments[k]))),
    ]),
  );
  const directStepMedians = Object.fromEntries(
    Object.keys(samples.direct[0].steps).map((k) => [
      k,
      round1(median(samples.direct.map((s) => s.steps[k]))),
    ]),
  );

  console.log('');
  console.log(
    table(
      ['side', 'median ms', 'p90 ms', 'min', 'max'],
      ['hearth', 'direct'].map((side) => [side, ...Object.values(stats[side])]),
    ),
  );
  console.log('');
  console.log(
    `floor (direct: inspect volume, stop, remove, create, start, exec configure): median ${stats.direct.median} ms`,
  );
  console.log(`ratio hearth/floor (medians): ${ratio.toFixed(3)}x`);
  console.log(`target: <= ${TARGET_RATIO}x  ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}`);
  console.log(
    `without the hook stages (${HOOK_STAGES.join(', ')}) and the floor's exec: hearth median ${round1(median(coreMs))} ms, ` +
      `ratio ${coreRatio.toFixed(3)}x  ${coreRatio <= TARGET_RATIO ? 'MET' : 'MISSED'}`,
  );
  console.log(
    `paired per-round difference hearth - direct: median ${pairedDiff.median} ms ` +
      `(p10 ${pairedDiff.p10}, p90 ${pairedDiff.p90}) = ${((100 * pairedDiff.median) / median(directMs)).toFixed(1)}% of the direct median`,
  );
  console.log('');
  console.log('hearth median stage durations (lastBuild.stages):');
  console.log(table(['stage', 'median ms'], Object.entries(stageMedians)));
  console.log('');
  console.log('hearth median wall-time segments:');
  console.log(
    table(
      ['segment', 'median ms', 'what'],
      [
        ['request', segmentMedians.request, 'POST rebuild until 202'],
        ['toBuildStart', segmentMedians.toBuildStart, 'request sent until build startedAt'],
        ['build', segmentMedians.build, 'build startedAt until finishedAt'],
        ['  betweenStages', segmentMedians.betweenStages, 'build minus the sum of its stages'],
        ['toObserved', segmentMedians.toObserved, 'finishedAt until the watch stream showed running'],
      ],
    ),
  );
  console.log('');
  console.log('direct median steps:');
  console.log(table(['step', 'median ms'], Object.entries(directStepMedians)));

  let engineSummary;
  if (TRACE) {
    engineSummary = summarizeEngineCalls(samples.hearth);
    console.log('');
    console.log('hearth engine calls per rebuild (--trace), median ms:');
    console.log(table(['call', 'count', 'median ms'], engineSummary.byMethod));
    console.log(
      `engine time per rebuild: median ${engineSummary.engineMs} ms; rest of the wall time: median ${engineSummary.restMs} ms`,
    );
  }

  const result = {
    benchmark: 'rebuild',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      runs: RUNS,
      warmups: WARMUPS,
      pauseMs: PAUSE_MS,
      trace: TRACE,
      image: IMAGE,
      stopGraceSeconds: config.stopGraceSeconds,
      workspaceNetwork: hearthContainer.HostConfig.NetworkMode,
    },
    machine: { ...machine, loadAvgEnd: os.loadavg() },
    target: TARGET_RATIO,
    ratio: Math.round(ratio * 1000) / 1000,
    met: ratio <= TARGET_RATIO,
    withoutHooks: {
      stages: HOOK_STAGES,
      median: round1(median(coreMs)),
      ratio: Math.round(coreRatio * 1000) / 1000,
    },
    stats,
    pairedDiff,
    hearth: { stageMedians, segmentMedians, engineSummary, samples: samples.hearth },
    direct: { stepMedians: directStepMedians, createBody: directBody('<name>'), samples: samples.direct },
  };
  const resultsDir = join(HERE, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `rebuild-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log('');
  console.log(`wrote ${file}`);
}

/** The image's configure script as a command, or `true` when it has none (the one exec Hearth needs anyway). */
async function configureCommand(container) {
  for (const path of ['/hearth/configure', '/coder/configure']) {
    try {
      await container.infoArchive({ path });
      return [path];
    } catch (error) {
      if (error.statusCode !== 404) throw error;
    }
  }
  return ['true'];
}

/** Runs `cmd` in `container` and waits for it to exit; throws on a non-zero exit. */
async function execToEnd(container, cmd, user, workingDir) {
  const exec = await container.exec({
    Cmd: cmd,
    User: user,
    WorkingDir: workingDir,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  await new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
    stream.resume();
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`direct exec ${cmd.join(' ')} exited ${ExitCode}`);
}

/** Predicate for the watch: the build after `before` has finished; throws if it failed. */
function buildSettled(before) {
  return (ws) => {
    const build = ws.lastBuild;
    if (!build || build.number <= before) return false;
    if (build.status === 'failed' || build.status === 'canceled' || ws.state === 'failed') {
      throw new Error(`build #${build.number} ${build.status}: ${build.error ?? ws.stateReason.message}`);
    }
    return ws.state === 'running' && build.status === 'succeeded';
  };
}

/** The id of Hearth's current container for the bench workspace (found by its label). */
async function hearthContainerId() {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`dev.hearth.workspace-id=${state.workspaceId}`] },
  });
  if (list.length !== 1) throw new Error(`expected one container for the workspace, found ${list.length}`);
  return list[0].Id;
}

/**
 * A function name → create body that asks the engine for what Hearth asked for (read back from
 * Hearth's container): same image id, user, hostname, env (Hearth's own entries, not the image's),
 * working dir, entrypoint, init, limits, network and the home mount — on the bench's own volume,
 * with Hearth's labels (not the image's) renamed to a key prefix no Hearth server acts on.
 */
function directCreateBody(hearth, image) {
  const imageEnv = new Set(image.Config?.Env ?? []);
  const env = (hearth.Config.Env ?? []).filter((e) => !imageEnv.has(e));
  // Inspect shows the image's labels merged in; keep only the ones Hearth set on the container.
  const imageLabels = image.Config?.Labels ?? {};
  const labels = Object.fromEntries(
    Object.entries(hearth.Config.Labels ?? {})
      .filter(([k, v]) => imageLabels[k] !== v)
      .map(([k, v]) => [k.replace('dev.hearth.', 'dev.hearth-bench.'), v]),
  );
  labels[DIRECT_LABEL] = '1';
  const h = hearth.HostConfig;
  const mounts = (h.Mounts ?? []).map((m) => (m.Type === 'volume' ? { ...m, Source: DIRECT_VOLUME } : m));
  const hostConfig = {
    Init: h.Init,
    NetworkMode: h.NetworkMode,
    RestartPolicy: { Name: h.RestartPolicy?.Name || 'no' },
    Mounts: mounts,
  };
  if (h.NanoCpus) hostConfig.NanoCpus = h.NanoCpus;
  if (h.Memory) hostConfig.Memory = h.Memory;
  return (name) => ({
    name,
    Image: hearth.Image,
    Hostname: hearth.Config.Hostname,
    User: hearth.Config.User,
    Env: env,
    Labels: labels,
    WorkingDir: hearth.Config.WorkingDir,
    Entrypoint: hearth.Config.Entrypoint,
    Cmd: [],
    Tty: hearth.Config.Tty,
    HostConfig: hostConfig,
  });
}

/** Engine calls of one rebuild, relative to the request time. */
function engineCallsOf(calls, t0) {
  return calls.map((c) => ({ method: c.method, atMs: round1(c.start - t0), ms: round1(c.ms), ok: c.ok }));
}

function summarizeEngineCalls(samples) {
  const methods = new Map();
  for (const s of samples) {
    const perRun = new Map();
    for (const c of s.engineCalls) perRun.set(c.method, [...(perRun.get(c.method) ?? []), c.ms]);
    for (const [m, ms] of perRun) {
      const entry = methods.get(m) ?? { counts: [], totals: [] };
      entry.counts.push(ms.length);
      entry.totals.push(ms.reduce((a, b) => a + b, 0));
      methods.set(m, entry);
    }
  }
  const byMethod = [...methods].map(([m, e]) => [m, median(e.counts), round1(median(e.totals))]);
  const engine = samples.map((s) => s.engineCalls.reduce((a, c) => a + c.ms, 0));
  const rest = samples.map((s, i) => s.ms - engine[i]);
  return { byMethod, engineMs: round1(median(engine)), restMs: round1(median(rest)) };
}

async function machineInfo() {
  const cpus = os.cpus();
  const version = await docker.version();
  const info = await docker.info();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    docker: {
      version: version.Version,
      apiVersion: version.ApiVersion,
      storageDriver: info.Driver,
      cgroupVersion: info.CgroupVersion,
      containersRunning: info.ContainersRunning,
    },
    loadAvgStart: os.loadavg(),
  };
}

function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map((c) => String(c)));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Clean-up: always, once
// ---------------------------------------------------------------------------------------------

/** Removes the direct side's containers and volume, including ones a crashed earlier run left. */
async function removeDirectLeftovers() {
  const list = await docker.listContainers({ all: true, filters: { label: [`${DIRECT_LABEL}=1`] } });
  for (const c of list) await docker.getContainer(c.Id).remove({ force: true, v: false });
  await docker
    .getVolume(DIRECT_VOLUME)
    .remove()
    .catch((error) => {
      if (error.statusCode !== 404) throw error;
    });
}

/** Deletes the workspace through the API and waits until it is gone; falls back to the engine. */
async function removeHearthWorkspace() {
  const { api, workspaceId } = state;
  if (!api || !workspaceId) return;
  try {
    await api.call('DELETE', `/users/me/workspaces/${WORKSPACE}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await api.call('GET', `/users/me/workspaces/${WORKSPACE}`);
      } catch (error) {
        if (error.status === 404) return;
        throw error;
      }
      if (Date.now() > deadline) throw new Error('the workspace was not gone after 60 s');
      await sleep(100);
    }
  } catch (error) {
    // The server could not do it: remove its container(s) and home volume through the engine.
    console.error(`cleanup: delete through the API failed (${error.message}); removing through the engine`);
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`dev.hearth.workspace-id=${workspaceId}`] },
    });
    const volumes = new Set([`hearth-home-${workspaceId}`]);
    for (const c of list) {
      for (const m of c.Mounts ?? []) if (m.Type === 'volume' && m.Name) volumes.add(m.Name);
      await docker.getContainer(c.Id).remove({ force: true, v: false });
    }
    for (const v of volumes)
      await docker
        .getVolume(v)
        .remove()
        .catch(() => {});
  }
}

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    const attempt = async (what, fn) => {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup: ${what}: ${error.message}`);
      }
    };
    await attempt('workspace', removeHearthWorkspace);
    await attempt('watch stream', async () => state.watch?.close());
    await attempt('direct containers and volume', removeDirectLeftovers);
    await attempt('server', async () => state.server?.close(10_000));
    await attempt('server log', async () => state.logger?.flush());
    await attempt('temp dir', async () => {
      if (state.tempDir) rmSync(state.tempDir, { recursive: true, force: true });
    });
  })();
  return cleaning;
}

process.once('SIGINT', () => {
  console.error('\ninterrupted: cleaning up');
  void cleanup().finally(() => process.exit(130));
});

try {
  await main();
} catch (error) {
  console.error(`benchmark failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
