/**
 * Checks real answers against the server's own OpenAPI document: the status must be declared for
 * the route (exactly, or by its `4XX`/`5XX` range), and a JSON body must match the declared schema.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

export interface Operation {
  readonly method: string;
  /** As the document writes it: `/users/{user}/workspaces/{name}`. */
  readonly path: string;
  readonly spec: {
    parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
    requestBody?: { content: Record<string, { schema: Schema }> };
    responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  };
}

export type Schema = Record<string, unknown>;

export class OpenApiDocument {
  readonly operations: readonly Operation[];
  readonly #ajv = new Ajv({ strict: false, allErrors: true });
  readonly #validators = new Map<Schema, ValidateFunction>();
  readonly #routes: { method: string; regex: RegExp; op: Operation }[];

  constructor(readonly doc: { paths: Record<string, Record<string, Operation['spec']>> }) {
    (formats as unknown as typeof formats.default)(this.#ajv);
    this.operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, spec]) => ({ method: method.toUpperCase(), path, spec })),
    );
    this.#routes = this.operations.map((op) => ({
      method: op.method,
      regex: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      op,
    }));
  }

  /** The operation a request path (under the API prefix, without the query) belongs to. */
  find(method: string, path: string): Operation | undefined {
    // Literal routes (`/users/me/...`) win over templated ones, as in the router.
    const matches = this.#routes.filter((r) => r.method === method && r.regex.test(path));
    return matches.sort((a, b) => countParams(a.op.path) - countParams(b.op.path))[0]?.op;
  }

  /**
   * Each request schema (body and parameters) that is not a valid JSON Schema, with what is wrong:
   * the server compiles them without checking them itself (validation.ts), so this is where a
   * misspelt keyword's value (`minLength: '1'`) is caught.
   */
  requestSchemaProblems(): string[] {
    const problems: string[] = [];
    for (const op of this.operations) {
      const schemas = [
        ...Object.values(op.spec.requestBody?.content ?? {}).map((media) => ['body', media.schema] as const),
        ...(op.spec.parameters ?? []).map((p) => [`${p.in} ${p.name}`, p.schema] as const),
      ];
      for (const [part, schema] of schemas)
        if (!this.#ajv.validateSchema(schema))
          problems.push(`${op.method} ${op.path} ${part}: ${this.#ajv.errorsText(this.#ajv.errors)}`);
    }
    return problems;
  }

  /** What is wrong with an answer to `op`, or an empty list when it is as the document says. */
  problems(op: Operation, status: number, contentType: string | null, body: unknown): string[] {
    const where = `${op.method} ${op.path} → ${status}`;
    const declared = op.spec.responses[String(status)] ?? op.spec.responses[`${String(status)[0]}XX`];
    if (!declared)
      return [`${where}: status not declared (declared: ${Object.keys(op.spec.responses).join(', ')})`];
    if (!declared.content)
      return body === undefined || body === '' ? [] : [`${where}: a body where none is declared`];
    const type = (contentType ?? '').split(';')[0]!.trim();
    const media = declared.content[type];
    if (!media) return [`${where}: content type ${type || '(none)'} not declared`];
    if (type !== 'application/json') return [];
    let validate = this.#validators.get(media.schema);
    if (!validate) {
      validate = this.#ajv.compile(media.schema);
      this.#validators.set(media.schema, validate);
    }
    if (validate(body)) return [];
    return [
      `${where}: body does not match: ${this.#ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 300)}`,
    ];
  }
}

function countParams(path: string): number {
  return (path.match(/\{/g) ?? []).length;
}
