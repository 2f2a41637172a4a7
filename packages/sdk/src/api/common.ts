import { type Static, Type } from '@sinclair/typebox';

/** Every error the API returns has this body; `code` is stable and safe to branch on. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: 'Stable machine-readable error code, e.g. `workspace_not_found`.' }),
  message: Type.String({ description: 'What went wrong and what to do about it, for a human.' }),
  detail: Type.Optional(
    Type.Unknown({ description: 'Structured context: the field, the limit, the state…' }),
  ),
  requestId: Type.Optional(Type.String()),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** DNS label: lowercase letters, digits and '-', 1–63 characters, starting with a letter, not ending with '-'. */
export const Name = Type.String({ minLength: 1, maxLength: 63 });

/** A CPU request: a number of cores (`1`, `0.5`) or millicores as a string (`500m`). */
export const CpuInput = Type.Union([Type.Number(), Type.String()], {
  description: 'CPU cores: a number (1, 0.5) or a string ("2", "500m").',
});
/** A size: bytes as an integer, or a string with a unit (`4GiB`, `4Gi`, `4096MiB`, `4g`). */
export const SizeInput = Type.Union([Type.Integer(), Type.String()], {
  description:
    'A size in bytes, or a string with a unit: 4GiB, 4Gi, 4096MiB, 4g. Letter units are powers of 1024 in any case (4g = 4G = 4gb = 4GiB, as docker run -m); at most 1024TiB; memory at least 6MiB.',
});

export const ResourceRequestInput = Type.Object({
  cpu: Type.Optional(CpuInput),
  memory: Type.Optional(SizeInput),
  disk: Type.Optional(SizeInput),
  gpus: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
});
export type ResourceRequestInput = Static<typeof ResourceRequestInput>;

/** Resources as the API reports them: cpu in cores, memory and disk in bytes. */
export const Resources = Type.Object({
  cpu: Type.Number({ description: 'CPU cores (0.5 = half a core).' }),
  memory: Type.Integer({ description: 'Bytes.' }),
  disk: Type.Integer({ description: 'Bytes.' }),
  gpus: Type.Integer(),
});
export type Resources = Static<typeof Resources>;

export const Timestamp = Type.String({ format: 'date-time' });
