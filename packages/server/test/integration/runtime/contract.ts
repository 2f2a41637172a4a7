/**
 * The contract every {@link Runtime} driver must pass, run against a real engine.
 *
 * Everything a run creates carries a `hearth-test-<random>` name and a run label, and is removed in `after`.
 * Containers use network `none`: test machines have no bridge, and tests never talk to a container's address.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ContainerSpec, type ExecOptions, LABELS, type Runtime } from '../../../src/runtime/runtime.js';
import { collectText, type ExecResult, runExec, text } from './exec-helpers.js';

/** The image every driver is tested with; built locally by scripts/build-images.sh (user dev, 1000:1000). */
export const TEST_IMAGE = process.env.HEARTH_TEST_IMAGE ?? 'hearth-demo:latest';

const HOME = '/home/dev';
const DEV = '1000:1000';

/** Defines the contract suite for the runtime that `make` returns. */
export function runtimeContract(name: string, make: () => Promise<Runtime>): void {
  describe(`runtime contract: ${name}`, () => {
    const runId = `hearth-test-${randomBytes(4).toString('hex')}`;
    const runLabel = { 'dev.hearth.test-run': runId };
    const volumes: string[] = [];
    let rt: Runtime;
    let imageId: string;
    let serial = 0;

    /** A unique name in this run's namespace. */
    const unique = (what: string) => `${runId}-${what}-${++serial}`;

    const spec = (overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
      name: unique('ctr'),
      image: imageId,
      hostname: 'workspace',
      user: DEV,
      env: ['HEARTH_TEST=1'],
      labels: { ...runLabel, [LABELS.managed]: '1' },
      cpuMillis: 0,
      memoryBytes: 0,
      gpus: 0,
      volumes: [],
      workingDir: HOME,
      network: { kind: 'none' },
      ...overrides,
    });

    const newVolume = async (): Promise<string> => {
      const volume = unique('vol');
      volumes.push(volume);
      await rt.ensureVolume({ name: volume, labels: { ...runLabel } });
      return volume;
    };

    const running = async (overrides: Partial<ContainerSpec> = {}): Promise<string> => {
      const id = await rt.createContainer(spec(overrides));
      await rt.startContainer(id);
      return id;
    };

    const exec = (id: string, cmd: string[], options: Partial<ExecOptions> = {}, input?: Buffer | string) =>
      runExec(rt, id, { cmd, user: DEV, ...options }, input);

    before(async () => {
      rt = await make();
      await rt.ping();
      const image = await rt.inspectImage(TEST_IMAGE);
      if (image === undefined)
        throw new Error(`test image ${TEST_IMAGE} is missing: run scripts/build-images.sh`);
      imageId = image.id;
    });

    after(async () => {
      if (rt === undefined) return;
      for (const container of await rt.listContainers(runLabel)) await rt.removeContainer(container.id);
      for (const volume of volumes) await rt.removeVolume(volume);
    });

    describe('engine and images', () => {
      it('inspects an image by tag, and answers undefined for a missing one', async () => {
        const image = await rt.inspectImage(TEST_IMAGE);
        assert.match(image?.id ?? '', /^sha256:[0-9a-f]{64}$/);
        assert.equal(image?.user, 'dev');
        assert.ok(image?.env.some((entry) => entry.startsWith('PATH=')));
        assert.equal(await rt.inspectImage(`${runId}-missing:latest`), undefined);
      });

      it('reads /etc/passwd from an image without running it', async () => {
        const entries = await rt.readImagePasswd(imageId);
        const dev = entries.find((entry) => entry.name === 'dev');
        assert.deepEqual(dev && { uid: dev.uid, gid: dev.gid, home: dev.home }, {
          uid: 1000,
          gid: 1000,
          home: HOME,
        });
        assert.equal(entries.find((entry) => entry.name === 'root')?.uid, 0);
      });

      it('rejects reading passwd from a missing image with image_not_found', async () => {
        await assert.rejects(rt.readImagePasswd(`${runId}-missing:latest`), { code: 'image_not_found' });
      });
    });

    describe('volumes', () => {
      it('creates a volume once, with its labels', async () => {
        const volume = unique('vol');
        volumes.push(volume);
        const labels = { ...runLabel, [LABELS.workspaceId]: 'ws-1' };
        assert.deepEqual(await rt.ensureVolume({ name: volume, labels }), { created: true });
        assert.deepEqual(await rt.ensureVolume({ name: volume, labels }), { created: false });
        const info = await rt.inspectVolume(volume);
        assert.equal(info?.name, volume);
        assert.deepEqual(info?.labels, labels);
        assert.ok(info?.createdAt);
      });

      it('lists the volumes that carry every given label', async () => {
        const volume = unique('listed');
        volumes.push(volume);
        const labels = { ...runLabel, [LABELS.purpose]: 'listed' };
        await rt.ensureVolume({ name: volume, labels });
        const listed = await rt.listVolumes(labels);
        assert.deepEqual(
          listed.map((v) => v.name),
          [volume],
        );
        assert.deepEqual(listed[0]?.labels, labels);
        assert.ok(listed[0]?.createdAt);
        assert.deepEqual(await rt.listVolumes({ ...labels, [LABELS.purpose]: 'other' }), []);
      });

      it('treats missing volumes as absent, and removes existing ones', async () => {
        assert.equal(await rt.inspectVolume(unique('missing')), undefined);
        await rt.removeVolume(unique('missing'));
        const volume = await newVolume();
        await rt.removeVolume(volume);
        assert.equal(await rt.inspectVolume(volume), undefined);
      });
    });

    describe('containers', () => {
      it('creates, starts, stops promptly and removes a container', async () => {
        const name = unique('life');
        const id = await rt.createContainer(spec({ name }));
        const created = await rt.inspectContainer(id);
        assert.equal(created?.status, 'created');
        assert.equal(created?.name, name);
        assert.equal(created?.image, imageId);
        assert.equal(created?.labels[LABELS.managed], '1');

        await rt.startContainer(id);
        const started = await rt.inspectContainer(name);
        assert.equal(started?.status, 'running');
        assert.ok(started?.startedAt);

        const t0 = Date.now();
        await rt.stopContainer(id, 10);
        // The main process must honour SIGTERM rather than sit out the grace period.
        assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
        assert.equal((await rt.inspectContainer(id))?.status, 'exited');

        await rt.stopContainer(id, 10);
        await rt.removeContainer(id);
        assert.equal(await rt.inspectContainer(id), undefined);
      });

      it('treats stopping, removing and inspecting a missing container as absent', async () => {
        await rt.stopContainer(unique('missing'), 1);
        await rt.removeContainer(unique('missing'));
        assert.equal(await rt.inspectContainer(unique('missing')), undefined);
      });

      it('removes a running container, also when asked several times at once', async () => {
        const id = await running();
        await Promise.all([rt.removeContainer(id), rt.removeContainer(id), rt.removeContainer(id)]);
        assert.equal(await rt.inspectContainer(id), undefined);
      });

      it('rejects a missing image with image_not_found', async () => {
        await assert.rejects(rt.createContainer(spec({ image: `${runId}-missing:latest` })), {
          code: 'image_not_found',
        });
      });

      it('keeps the home volume when the container is removed', async () => {
        const home = await newVolume();
        const volumes = [{ volume: home, target: HOME }];
        const first = await running({ volumes });
        assert.equal(
          (await exec(first, ['sh', '-c', 'echo kept > ~/proof && head -c 1000000 /dev/zero > ~/mb'])).code,
          0,
        );
        await rt.removeContainer(first);

        const second = await running({ volumes });
        assert.equal((await exec(second, ['cat', `${HOME}/proof`])).stdout, 'kept\n');
        const usage = (await rt.volumeSizes()).get(home);
        assert.ok(usage === undefined || usage >= 1_000_000, `usage ${usage}`);
      });

      it('gives secret files a memory-only directory of their size that every user can keep a private directory in', async () => {
        const id = await running({ secretFiles: { path: '/run/hearth', sizeBytes: 1 << 20 } });
        const result = await exec(id, [
          'sh',
          '-c',
          'stat -c %a /run/hearth; df -k /run/hearth | tail -1; umask 077; mkdir /run/hearth/user && stat -c %a /run/hearth/user',
        ]);
        assert.equal(result.code, 0, result.stderr);
        const [mode, df, own] = result.stdout.split('\n');
        assert.equal(mode, '1777');
        assert.match(df ?? '', /^tmpfs\s+1024\s/);
        assert.equal(own, '700');
        const other = await exec(id, ['ls', '/run/hearth/user'], { user: '1001:1001' });
        assert.notEqual(other.code, 0, 'another user cannot read the private directory');
      });

      it('tells the CPUs of its machine, which no container may ask more of', async () => {
        const { cpus } = await rt.machine();
        assert.ok(Number.isInteger(cpus) && cpus >= 1, `cpus ${cpus}`);
        const id = await running();
        assert.equal(Number((await exec(id, ['nproc'])).stdout.trim()), cpus);
        await assert.rejects(rt.createContainer(spec({ cpuMillis: (cpus + 1) * 1000 })), /CPU/);
      });

      it('applies cpu and memory limits', async () => {
        const id = await running({ cpuMillis: 500, memoryBytes: 256 * 1024 * 1024 });
        // cgroup v2 first, then v1: whichever the engine's host uses.
        const script =
          'if [ -f /sys/fs/cgroup/cpu.max ]; then cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max; else ' +
          'echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"; ' +
          'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; fi';
        const [cpu, memory] = (await exec(id, ['sh', '-c', script])).stdout.trim().split('\n');
        const [quota, period] = (cpu ?? '').split(' ').map(Number);
        assert.equal(((quota ?? 0) / (period ?? 1)) * 1000, 500);
        assert.equal(Number(memory), 256 * 1024 * 1024);
      });

      it('lists containers by label, running or not', async () => {
        const marker = { ...runLabel, 'dev.hearth.test-marker': unique('marker') };
        const stopped = await rt.createContainer(spec({ labels: marker }));
        const started = await running({ labels: marker });
        await running();
        const listed = await rt.listContainers(marker);
        assert.deepEqual(listed.map((c) => c.id).sort(), [stopped, started].sort());
        const byId = new Map(listed.map((c) => [c.id, c]));
        assert.equal(byId.get(stopped)?.status, 'created');
        assert.equal(byId.get(started)?.status, 'running');
        assert.equal(byId.get(started)?.image, imageId);
        assert.equal(byId.get(started)?.labels['dev.hearth.test-marker'], marker['dev.hearth.test-marker']);
      });
    });

    describe('stat', () => {
      it('reports files, directories and symlinks with their modes, in the image and in a volume', async () => {
        const volume = await newVolume();
        const id = await running({ volumes: [{ volume, target: HOME }] });
        const made = await exec(id, [
          'sh',
          '-c',
          'printf hi > script && chmod 750 script && mkdir dir && ln -s script link',
        ]);
        assert.equal(made.code, 0, made.stderr);
        assert.deepEqual(await rt.statPath(id, `${HOME}/script`), { kind: 'file', mode: 0o750, size: 2 });
        assert.equal((await rt.statPath(id, `${HOME}/dir`))?.kind, 'directory');
        assert.equal((await rt.statPath(id, `${HOME}/link`))?.kind, 'symlink');
        assert.equal((await rt.statPath(id, '/etc/passwd'))?.kind, 'file');
        assert.equal(await rt.statPath(id, `${HOME}/missing`), undefined);
        assert.equal(await rt.statPath(id, '/no/such/dir/file'), undefined);
      });

      it('reads a small text file, following symlinks, and reports a missing one as undefined', async () => {
        const id = await running();
        const made = await exec(id, [
          'sh',
          '-c',
          'printf "apps: []\\n" > /tmp/apps.yaml && ln -s /tmp/apps.yaml /tmp/link',
        ]);
        assert.equal(made.code, 0, made.stderr);
        assert.equal(await rt.readTextFile(id, '/tmp/apps.yaml'), 'apps: []\n');
        assert.equal(await rt.readTextFile(id, '/tmp/link'), 'apps: []\n');
        assert.equal(await rt.readTextFile(id, '/tmp/missing.yaml'), undefined);
      });
    });

    describe('exec', () => {
      let id: string;
      before(async () => {
        id = await running();
      });

      it('passes the exit code through', async () => {
        assert.equal((await exec(id, ['sh', '-c', 'exit 3'])).code, 3);
        assert.equal((await exec(id, ['true'])).code, 0);
      });

      it('keeps stdout and stderr apart', async () => {
        const result = await exec(id, ['sh', '-c', 'echo out; echo err >&2; echo out2']);
        assert.deepEqual(result, { stdout: 'out\nout2\n', stderr: 'err\n', code: 0 } satisfies ExecResult);
      });

      it('delivers EOF when stdin ends', async () => {
        assert.equal((await exec(id, ['wc', '-c'], { stdin: true }, 'hello\n')).stdout.trim(), '6');
        assert.equal((await exec(id, ['wc', '-c'], { stdin: true }, '')).stdout.trim(), '0');
      });

      it('round-trips 5 MB of random bytes through cat unchanged', async () => {
        const input = randomBytes(5 * 1024 * 1024);
        const session = await rt.exec(id, { cmd: ['cat'], user: DEV, stdin: true });
        session.stdin.end(input);
        const hash = createHash('sha256');
        let length = 0;
        session.stdout.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          length += chunk.length;
        });
        session.stderr.resume();
        assert.equal(await session.exit, 0);
        assert.equal(length, input.length);
        assert.equal(hash.digest('hex'), createHash('sha256').update(input).digest('hex'));
      });

      it('runs as the given user, with env and working directory', async () => {
        assert.equal((await exec(id, ['id', '-u'])).stdout, '1000\n');
        assert.equal((await exec(id, ['id', '-u'], { user: 'root' })).stdout, '0\n');
        const result = await exec(id, ['sh', '-c', 'echo "$GREETING"; pwd'], {
          env: ['GREETING=hi'],
          workingDir: '/tmp',
        });
        assert.equal(result.stdout, 'hi\n/tmp\n');
      });

      it('allocates a terminal with the initial size, and resizes it', async () => {
        const session = await rt.exec(id, {
          cmd: ['sh', '-c', 'read first; stty size; read second; stty size'],
          user: DEV,
          tty: true,
          stdin: true,
          initialSize: { cols: 100, rows: 30 },
        });
        const output = collectText(session.stdout);
        // The size is promised once exec() resolves: a process reading it at its very first instant may not
        // see it yet on engines before API 1.42, which is why the script waits for a line first.
        session.stdin.write('\n');
        await output.waitFor(/30 100/);
        await session.resize({ cols: 120, rows: 40 });
        session.stdin.write('\n');
        assert.equal(await session.exit, 0);
        // The terminal echoes the input newlines, hence the blank lines.
        const lines = output
          .text()
          .split(/\r?\n/)
          .filter((line) => line !== '');
        assert.deepEqual(lines, ['30 100', '40 120']);
        assert.equal(await text(session.stderr), '');
      });

      it('keeps a terminal session and its output when its stdin ends, as sshd does', async () => {
        const result = await runExec(
          rt,
          id,
          { cmd: ['sh', '-c', 'sleep 0.3; echo hi; tty'], user: DEV, tty: true, stdin: true },
          '',
        );
        assert.equal(result.code, 0);
        assert.match(result.stdout, /^hi\r?\n\/dev\/pts\/\d+\r?\n$/);
      });

      it('ends the output streams on close, and then rejects exit for a running process', async () => {
        const session = await rt.exec(id, { cmd: ['sleep', '30'], user: DEV });
        const ended = new Promise((resolve) => session.stdout.on('end', resolve));
        session.stdout.resume();
        session.close();
        await ended;
        await assert.rejects(session.exit);
      });

      it('rejects exec in a stopped or missing container', async () => {
        const stopped = await rt.createContainer(spec());
        await assert.rejects(exec(stopped, ['true']), { code: 'container_not_running' });
        await assert.rejects(exec(unique('missing'), ['true']), { code: 'container_not_found' });
      });
    });
  });
}
