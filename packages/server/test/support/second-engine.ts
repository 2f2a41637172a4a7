/**
 * A second container engine for pool tests: its own `dockerd` (own --host unix socket, --data-root,
 * --exec-root, --pidfile and config file under a temp dir; --bridge=none --iptables=false like the
 * shared one), which a test can stop (SIGTERM) and start again on the same data. Images are copied
 * from the configured engine (`docker save | docker load`), the saved archive cached by image id
 * so reruns skip the save. Nothing here touches the shared engine beyond reading its images.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { resolveEndpoint } from '../../src/runtime/docker/endpoint.js';
import { testDocker } from './engine.js';
import { waitFor } from './wait.js';

const IMAGE_CACHE = join(tmpdir(), 'hearth-test-image-cache');

export class SecondEngine {
  readonly dir: string;
  /** `unix://…/docker.sock`, as `hearth admin engines add --docker-host` takes it. */
  readonly host: string;
  #process: ChildProcess | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    this.host = `unix://${join(dir, 'docker.sock')}`;
  }

  /** Starts a fresh engine in a temp dir (short: a unix socket path has at most 107 bytes). */
  static async start(): Promise<SecondEngine> {
    const engine = new SecondEngine(await mkdtemp('/tmp/hearth-engine-'));
    await writeFile(join(engine.dir, 'daemon.json'), '{}\n');
    await engine.resume();
    return engine;
  }

  /** Hearth's driver on this engine. */
  runtime(): DockerRuntime {
    return new DockerRuntime({ host: this.host });
  }

  docker(): Docker {
    return new Docker(resolveEndpoint({ host: this.host }).modem);
  }

  /** Starts dockerd (again, on the same data) and waits until it answers. */
  async resume(): Promise<void> {
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    const d = this.dir;
    this.#process = spawn(
      'dockerd',
      [
        `--host=${this.host}`,
        `--data-root=${join(d, 'data')}`,
        `--exec-root=${join(d, 'exec')}`,
        `--pidfile=${join(d, 'docker.pid')}`,
        `--config-file=${join(d, 'daemon.json')}`,
        '--bridge=none',
        '--iptables=false',
        '--ip6tables=false',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    const exited = new Promise<never>((_, reject) =>
      this.#process!.once('exit', (code) =>
        reject(new Error(`dockerd exited (${code}); see ${join(d, 'dockerd.log')}`)),
      ),
    );
    exited.catch(() => {});
    const runtime = this.runtime();
    await Promise.race([
      waitFor(`the second engine at ${this.host}`, () => runtime.ping().then(() => true), 60_000),
      exited,
    ]);
  }

  /** SIGTERM, as an operator stopping the engine; resolves once dockerd has exited. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }

  /** Copies `ref` from the configured engine unless this engine has that image id already. */
  async loadImage(ref: string): Promise<void> {
    const id = (await testDocker().getImage(ref).inspect()).Id;
    const has = await this.docker()
      .getImage(id)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (has) return;
    mkdirSync(IMAGE_CACHE, { recursive: true });
    const archive = join(IMAGE_CACHE, `${id.replace('sha256:', '')}.tar`);
    if (!existsSync(archive)) {
      const partial = `${archive}.${process.pid}.partial`;
      await pipeline(await testDocker().getImage(ref).get(), createWriteStream(partial));
      renameSync(partial, archive);
    }
    const stream = await this.docker().loadImage(createReadStream(archive));
    await new Promise((resolve, reject) =>
      this.docker().modem.followProgress(stream, (e: unknown) => (e ? reject(e) : resolve(undefined))),
    );
  }

  /** Stops the engine and removes everything it had (its data root is this test's alone). */
  async cleanup(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
