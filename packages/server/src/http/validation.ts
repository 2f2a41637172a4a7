/**
 * How requests are validated against their schemas. JSON bodies carry real types, so they are
 * checked as they are: `"1e309"` is not a number and `true` is not one core. Only the parts that
 * arrive as text (path, query string, headers) are coerced, and then every number that comes out
 * must be finite: a coerced `"1e309"` would otherwise become `Infinity` and be stored as such.
 * A body may hold only the fields its schema names.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const common = {
  removeAdditional: false,
  allErrors: false,
  strictNumbers: true,
  useDefaults: true,
  addUsedSchema: false,
  // Not checked against JSON Schema's meta-schema here: compiling that check made the first
  // request of each kind (the first login, say) hold the event loop 15-20 ms longer. The schemas
  // are the code's own; the test suite checks each against it (openapi-conformance.test.ts).
  validateSchema: false,
} as const;

function newAjv(coerceTypes: false | 'array'): Ajv {
  const ajv = new Ajv({ ...common, coerceTypes });
  // ajv-formats is CommonJS: its function is the module itself.
  (formats as unknown as typeof formats.default)(ajv);
  // Fastify's and the OpenAPI document's own annotations.
  ajv.addKeyword('example');
  return ajv;
}

// Made at the first request that needs one, like the validators (below): not at every start.
let strict: Ajv | undefined;
let coercing: Ajv | undefined;

function strictAjv(): Ajv {
  strict ??= newAjv(false);
  return strict;
}

function coercingAjv(): Ajv {
  coercing ??= newAjv('array');
  return coercing;
}

/** The first path (`/a/0/b`) in `value` that holds a non-finite number, if any. */
function nonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinite(item, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `schema` with every object closed to properties it does not name: a misspelt field is refused,
 * not ignored (`{"imgae": …}` on a campaign would otherwise mean "every workspace").
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema))
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)]))
        : closed(value);
  if (out.type === 'object' && out.properties && !('additionalProperties' in out))
    out.additionalProperties = false;
  return out;
}

/**
 * Each schema is compiled when its route first sees a request, not when the route is registered:
 * with the response serializers (serialization.ts), compiling every route's schemas up front took
 * 0.37 s of each start.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  let compiled: ValidateFunction | undefined;
  // Fastify reads a refusal's reasons from the `errors` of the function it was given.
  const check = Object.assign(
    (data: unknown): boolean => {
      check.errors = null;
      compiled ??=
        httpPart === 'body' ? strictAjv().compile(closed(schema) as object) : coercingAjv().compile(schema);
      const validate = compiled;
      if (!validate(data)) {
        check.errors = validate.errors ?? null;
        return false;
      }
      const path = nonFinite(data);
      if (path === undefined) return true;
      check.errors = [
        {
          instancePath: path,
          schemaPath: '#/finite',
          keyword: 'finite',
          params: {},
          message: 'must be a finite number',
        },
      ];
      return false;
    },
    { errors: null as ErrorObject[] | null },
  );
  return check;
};
