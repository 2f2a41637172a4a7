/**
 * How responses are serialized: fast-json-stringify, from a serialization-only copy of each
 * route's response schema. The route's own schema (the OpenAPI document's source) is unchanged.
 *
 * fast-json-stringify picks a branch of a union (`anyOf`) by validating the value against each
 * branch with Ajv, formats included: for `lastBuild: Build | null` that validated the whole build,
 * and the date-time checks alone cost 3–5 % of the CPU of a list (issue 15). The server made these
 * values itself, so serialization only needs their shape:
 * - `format` is dropped (a timestamp is a string; a `Date` still comes out as ISO-8601);
 * - a union of string literals is a string;
 * - `X | null` is `X` with `nullable: true`, which fast-json-stringify writes without validating.
 * Other unions stay unions, with the same simplification inside. Input is still validated in full
 * (validation.ts).
 *
 * Each serializer is compiled when its route first answers with that status, not when the server
 * starts: compiling every route's response schemas up front was a quarter of a second of each start.
 */
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isNull = (schema: unknown): boolean => isObject(schema) && schema.type === 'null';

const isStringLiteral = (schema: unknown): boolean => isObject(schema) && typeof schema.const === 'string';

function simplifiedUnion(schema: Schema, branches: unknown[]): Schema | undefined {
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  if (branches.length > 0 && branches.every(isStringLiteral)) return { ...rest, type: 'string' };
  const others = branches.filter((branch) => !isNull(branch));
  const other = others[0];
  // `nullable` applies to one type: a branch that is itself a union or has no type stays a union.
  if (others.length === 1 && branches.length === 2 && isObject(other) && typeof other.type === 'string')
    return { ...rest, ...(forSerialization(other) as Schema), nullable: true };
  return undefined;
}

/** `schema` as serialization needs it (see the header); a new object, the input is not changed. */
export function forSerialization(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forSerialization);
  if (!isObject(schema)) return schema;
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const simple = simplifiedUnion(schema, branches);
    if (simple) return simple;
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'format') continue;
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([name, property]) => [name, forSerialization(property)]),
          )
        : forSerialization(value);
  }
  return out;
}

/** Fastify's serializer compiler: fast-json-stringify over `forSerialization(schema)`, at first use. */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  let serialize: ((doc: unknown) => string) | undefined;
  return (doc) => {
    serialize ??= fastJson(forSerialization(schema) as Parameters<typeof fastJson>[0]);
    return serialize(doc);
  };
};
