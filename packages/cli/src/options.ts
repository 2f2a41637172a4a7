/** Option definitions and value parsers shared by several commands. */
import type { ResourceRequestInput } from '@hearth/sdk';
import { type Command, InvalidArgumentError, Option } from './commander.js';

/** Parses a whole number ≥ 0 (GPUs, build numbers); anything else is a usage error. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** A build's number: a whole number from 1. */
export function parseBuildNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(
      'expected a build number: 1, 2, … (`hearth show NAME` lists the last one)',
    );
  return Number(value);
}

/** Checks a CPU amount (`2`, `0.5`, `500m`) and passes it on as the API accepts it. */
export function parseCpu(value: string): string {
  if (!/^(\d+(\.\d+)?|\d+m)$/.test(value))
    throw new InvalidArgumentError('expected cores (2, 0.5) or millicores (500m)');
  return value;
}

/** What every size flag's help says about units (the server's core/units.ts decides the same). */
export const SIZE_HELP =
  '4g, 4GiB, 512m; k/m/g/t are powers of 1024 as in docker run -m; a bare number is bytes';

/** Checks a size (`4GiB`, `512Mi`, `10g`, bytes) and passes it on; the server does the arithmetic. */
export function parseSize(value: string): string {
  if (!/^\d+(\.\d+)?\s*([KMGT]i?B?|B)?$/i.test(value)) {
    throw new InvalidArgumentError(`expected a size (${SIZE_HELP})`);
  }
  return value;
}

/** `-o, --output table|json`. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
}

/** The flags that request resources for a build, with or without a prefix (`--cpu`, `--default-cpu`). */
export function addResourceOptions(cmd: Command, prefix = '', what = 'request'): Command {
  return cmd
    .option(`--${prefix}cpu <cores>`, `CPU cores to ${what} (2, 0.5, 500m)`, parseCpu)
    .option(`--${prefix}memory <size>`, `memory to ${what}, at least 6m (${SIZE_HELP})`, parseSize)
    .option(`--${prefix}disk <size>`, `home volume size to ${what} (20g; ${SIZE_HELP})`, parseSize)
    .option(`--${prefix}gpus <n>`, `GPUs to ${what}`, parseCount);
}

/** Parsed resource flags, from the flags' values as commander names them. */
export interface ResourceFlags {
  cpu?: string;
  memory?: string;
  disk?: string;
  gpus?: number;
}

/** Only the resources the user asked for, so the server's defaults apply to the rest. */
export function resourcesFrom(flags: ResourceFlags): ResourceRequestInput {
  const out: ResourceRequestInput = {};
  if (flags.cpu !== undefined) out.cpu = flags.cpu;
  if (flags.memory !== undefined) out.memory = flags.memory;
  if (flags.disk !== undefined) out.disk = flags.disk;
  if (flags.gpus !== undefined) out.gpus = flags.gpus;
  return out;
}

/**
 * Has every command of `program` that takes a required argument check its required options only
 * after its arguments. Commander checks required options first, so `hearth users create` without
 * a USERNAME would hear about --email before the name it lacks. Each such option stays required:
 * a preAction hook (run once the arguments are checked) reports it as commander would.
 */
export function argumentsBeforeRequiredOptions(program: Command): void {
  for (const command of program.commands) {
    argumentsBeforeRequiredOptions(command);
    if (!command.registeredArguments.some((a) => a.required)) continue;
    const required = command.options.filter((o) => o.mandatory);
    if (required.length === 0) continue;
    for (const option of required) option.makeOptionMandatory(false);
    command.hook('preAction', (_, action) => {
      if (action !== command) return;
      const missing = required.find((o) => command.getOptionValue(o.attributeName()) === undefined);
      if (missing)
        command.error(`error: required option '${missing.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
        });
    });
  }
}
