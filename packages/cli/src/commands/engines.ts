/** `hearth admin engines`: the pool of container engines workspaces are placed on (site admin). */
import type { Engine, EngineResources } from '@hearth/sdk';
import type { Command } from '../commander.js';
import { connect } from '../context.js';
import { outputOption, parseCount } from '../options.js';
import { formatBytes, formatCpu, formatJson, renderTable } from '../output.js';

const resources = (r: EngineResources | null): string =>
  r ? `${formatCpu(r.cpu)} CPU, ${formatBytes(r.memory)}, ${r.gpus} GPU` : 'no limit';

/** `hearth admin engines list`: one row per engine. */
export function engineTable(list: readonly Engine[]): string {
  return renderTable(
    ['NAME', 'DOCKER HOST', 'CAPACITY', 'ALLOCATED', 'FREE', 'WORKSPACES', 'DRAINED', 'REACHABLE'],
    list.map((e) => [
      e.name,
      e.dockerHost,
      resources(e.capacity),
      resources(e.allocated),
      resources(e.free),
      String(e.workspaces),
      e.drained ? 'yes' : 'no',
      e.reachable ? 'yes' : `no: ${e.error}`,
    ]),
  );
}

/** Registers `engines` under `admin`. */
export function registerEngineCommands(admin: Command): void {
  const engines = admin
    .command('engines')
    .description(
      'the container engines workspaces are placed on: capacity, allocation, reachability (site admin)',
    )
    .addHelpText(
      'after',
      '\nA new workspace goes to the reachable, undrained engine with the most room for its requests, and\nstays there for life (its home volume lives there). `default` is the server’s own --docker-host.\n\nExamples:\n  hearth admin engines add big-1 --docker-host unix:///run/docker-big-1.sock --cpu 32 --memory 128GiB\n  hearth admin engines list\n  hearth admin engines drain big-1',
    );

  engines
    .command('list')
    .description(
      'every engine: capacity, allocated requests, free, workspaces, drained, reachable (with the error)',
    )
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { client } = await connect();
      const list = await client.listEngines();
      process.stdout.write(`${opts.output === 'json' ? formatJson(list) : engineTable(list)}\n`);
    });

  engines
    .command('add')
    .description('add an engine to the pool; it must answer now')
    .argument('<name>', 'a name for it (lowercase letters, digits, -)')
    .requiredOption('--docker-host <url>', 'unix:///path/to/docker.sock or tcp://host:port')
    .requiredOption('--cpu <cores>', 'CPU cores it offers workspaces, e.g. 32')
    .requiredOption('--memory <size>', 'memory it offers workspaces, e.g. 128GiB')
    .option('--gpus <n>', 'GPUs it offers (default 0)', parseCount)
    .option('--tls-verify', 'TLS, checking the engine’s certificate against --tls-ca (tcp:// only)')
    .option('--tls-ca <file>', 'CA certificate file on the server')
    .option('--tls-cert <file>', 'client certificate file on the server (with --tls-key)')
    .option('--tls-key <file>', 'client key file on the server (with --tls-cert)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nThe TLS files are read by the server, from its own file system, as docker --tlsverify reads them.\n\nExamples:\n  hearth admin engines add big-1 --docker-host unix:///run/docker-big-1.sock --cpu 32 --memory 128GiB\n  hearth admin engines add big-2 --docker-host tcp://10.0.0.12:2376 --tls-verify --tls-ca /etc/hearth/ca.pem \\\n    --tls-cert /etc/hearth/cert.pem --tls-key /etc/hearth/key.pem --cpu 64 --memory 256GiB --gpus 4',
    )
    .action(
      async (
        name: string,
        opts: {
          dockerHost: string;
          cpu: string;
          memory: string;
          gpus?: number;
          tlsVerify?: boolean;
          tlsCa?: string;
          tlsCert?: string;
          tlsKey?: string;
          output: string;
        },
      ) => {
        const { client } = await connect();
        const engine = await client.addEngine({
          name,
          dockerHost: opts.dockerHost,
          cpu: opts.cpu,
          memory: opts.memory,
          ...(opts.gpus === undefined ? {} : { gpus: opts.gpus }),
          ...(opts.tlsVerify ? { tlsVerify: true } : {}),
          ...(opts.tlsCa ? { tlsCa: opts.tlsCa } : {}),
          ...(opts.tlsCert ? { tlsCert: opts.tlsCert } : {}),
          ...(opts.tlsKey ? { tlsKey: opts.tlsKey } : {}),
        });
        process.stdout.write(
          opts.output === 'json'
            ? `${formatJson(engine)}\n`
            : `Engine ${engine.name} added: ${resources(engine.capacity)}.\n`,
        );
      },
    );

  engines
    .command('capacity')
    .description('declare what the engine offers workspaces; placement counts against it')
    .argument('<name>', 'the engine (default: the server’s own, which has no declared capacity until this)')
    .option('--cpu <cores>', 'CPU cores, e.g. 32')
    .option('--memory <size>', 'memory, e.g. 128GiB')
    .option('--gpus <n>', 'GPUs', parseCount)
    .addHelpText('after', '\nExample:\n  hearth admin engines capacity default --cpu 16 --memory 64GiB')
    .action(async (name: string, opts: { cpu?: string; memory?: string; gpus?: number }) => {
      const { client } = await connect();
      const engine = await client.setEngineCapacity(name, {
        ...(opts.cpu === undefined ? {} : { cpu: opts.cpu }),
        ...(opts.memory === undefined ? {} : { memory: opts.memory }),
        ...(opts.gpus === undefined ? {} : { gpus: opts.gpus }),
      });
      process.stdout.write(`Engine ${name}: capacity ${resources(engine.capacity)}.\n`);
    });

  for (const [command, drained] of [
    ['drain', true],
    ['undrain', false],
  ] as const) {
    engines
      .command(command)
      .description(
        drained
          ? 'place no new workspace on the engine; those on it stay and keep working'
          : 'place new workspaces on the engine again',
      )
      .argument('<name>', 'the engine')
      .action(async (name: string) => {
        const { client } = await connect();
        await client.setEngineDrained(name, drained);
        process.stdout.write(
          `Engine ${name} ${drained ? 'drained: no new workspace goes there' : 'undrained'}.\n`,
        );
      });
  }

  engines
    .command('remove')
    .description('forget an engine that has no workspaces (refused while it has any)')
    .argument('<name>', 'the engine')
    .action(async (name: string) => {
      const { client } = await connect();
      await client.removeEngine(name);
      process.stdout.write(`Engine ${name} removed.\n`);
    });
}
