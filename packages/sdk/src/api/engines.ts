/** The pool of container engines (site admin): where workspaces are placed, and what each holds. */
import { type Static, Type } from '@sinclair/typebox';
import { CpuInput, Name, SizeInput, Timestamp } from './common.js';

/** CPU in cores, memory in bytes, GPUs. */
export const EngineResources = Type.Object({
  cpu: Type.Number({ description: 'CPU cores.' }),
  memory: Type.Integer({ description: 'Bytes.' }),
  gpus: Type.Integer(),
});
export type EngineResources = Static<typeof EngineResources>;

export const Engine = Type.Object({
  name: Type.String(),
  dockerHost: Type.String({
    description: '`unix:///…` or `tcp://host:port`; for `default`, the server’s `--docker-host`.',
  }),
  tlsVerify: Type.Boolean(),
  capacity: Type.Union([EngineResources, Type.Null()], {
    description: 'Declared capacity; null = not declared (`default` of a pool of one): no limit.',
  }),
  allocated: EngineResources,
  free: Type.Union([EngineResources, Type.Null()], {
    description: 'Capacity minus allocated; null = no limit.',
  }),
  workspaces: Type.Integer({ description: 'Workspaces living there (each counts in `allocated`).' }),
  drained: Type.Boolean({ description: 'No new workspace is placed there; those on it stay.' }),
  reachable: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()], {
    description: 'Why it is not reachable; null when it is.',
  }),
  createdAt: Timestamp,
});
export type Engine = Static<typeof Engine>;

export const AddEngineRequest = Type.Object({
  name: Name,
  dockerHost: Type.String({
    minLength: 1,
    maxLength: 1024,
    description: '`unix:///path` or `tcp://host:port`.',
  }),
  tlsVerify: Type.Optional(Type.Boolean({ description: 'Check the engine’s certificate against `tlsCa`.' })),
  tlsCa: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'CA file on the server.' })),
  tlsCert: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: 'Client certificate file.' }),
  ),
  tlsKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Client key file.' })),
  cpu: CpuInput,
  memory: SizeInput,
  gpus: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 })),
});
export type AddEngineRequest = Static<typeof AddEngineRequest>;

/** A new declared capacity (e.g. for `default`, which has none until one is declared); omitted parts stay. */
export const SetEngineCapacityRequest = Type.Object({
  cpu: Type.Optional(CpuInput),
  memory: Type.Optional(SizeInput),
  gpus: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 })),
});
export type SetEngineCapacityRequest = Static<typeof SetEngineCapacityRequest>;
