/**
 * Hot queries built by Kysely once and run again with new values. Building a query (immutable
 * nodes, one per join, select and where, frozen) and compiling it to SQL cost more CPU than SQLite
 * took to answer it for a member's list and a show (issue 15): the SQL text of such a query never
 * changes, only its values do.
 *
 * A reusable query is built once per shape (which optional values are there, how long each list
 * is) and per dialect, with a marker in place of every value, and compiled; each parameter of the
 * compiled query is then either a marker, replaced by the value it stands for at each run, or a
 * constant of the builder's own. The builder must use its values only as values: a value it
 * computes with (`limit + 1`) or branches on would lose its marker, and that is refused when the
 * query is first built, not answered wrongly.
 */
import type { CompiledQuery } from 'kysely';
import type { Executor } from './repositories/executor.js';

/** What a reusable query takes: named values, each a scalar, a list of scalars, or absent. */
export type QueryValues = Record<string, string | number | null | undefined | readonly (string | number)[]>;

const MARK = '\u0000hearth-value:';

/** Where each parameter of a compiled query comes from: a value's name (and index in its list), or a constant. */
type Source = { readonly name: string; readonly index: number } | { readonly constant: unknown };

interface Template {
  readonly compiled: CompiledQuery<unknown>;
  readonly sources: readonly Source[];
}

/** The shape of `values`: which are present, and each list's length. */
function shapeOf(values: QueryValues): string {
  let shape = '';
  for (const name in values) {
    const value = values[name];
    // An empty string too: a builder may test a value for truth.
    const kind = value === undefined ? 'u' : value === null ? 'n' : value === '' ? 'e' : 's';
    shape += `${name}:${Array.isArray(value) ? value.length : kind};`;
  }
  return shape;
}

/** `values` with a marker in place of each value (absent, null and empty ones stay), and the markers. */
function marked<V extends QueryValues>(values: V): { values: V; markers: Set<string> } {
  const out: QueryValues = {};
  const markers = new Set<string>();
  const mark = (name: string, index: number) => {
    const marker = `${MARK}${name}:${index}`;
    markers.add(marker);
    return marker;
  };
  for (const name in values) {
    const value = values[name];
    out[name] = Array.isArray(value)
      ? value.map((_, i) => mark(name, i))
      : value === undefined || value === null || value === ''
        ? value
        : mark(name, -1);
  }
  return { values: out as V, markers };
}

function template(compiled: CompiledQuery<unknown>, markers: ReadonlySet<string>): Template {
  const unused = new Set(markers);
  const sources = compiled.parameters.map((parameter): Source => {
    if (typeof parameter !== 'string' || !parameter.includes(MARK)) return { constant: parameter };
    if (!markers.has(parameter))
      throw new Error(
        `a reusable query computed with its value ${JSON.stringify(parameter)}: use values as values`,
      );
    unused.delete(parameter);
    const rest = parameter.slice(MARK.length);
    const colon = rest.lastIndexOf(':');
    return { name: rest.slice(0, colon), index: Number(rest.slice(colon + 1)) };
  });
  if (unused.size > 0)
    throw new Error(
      `a reusable query did not use ${[...unused].map((m) => m.slice(MARK.length)).join(', ')} as values`,
    );
  return { compiled, sources };
}

/**
 * `build` as a function whose query is built and compiled once per shape of its values and per
 * dialect (see the header); answers the rows.
 */
export function reusableQuery<V extends QueryValues, O>(
  build: (db: Executor, values: V) => { compile(): CompiledQuery<O> },
): (db: Executor, values: V) => Promise<O[]> {
  // Per adapter: the database and its transactions share one, and it decides the SQL's dialect.
  const templates = new WeakMap<object, Map<string, Template>>();
  return async (db, values) => {
    const adapter = db.getExecutor().adapter;
    let byShape = templates.get(adapter);
    if (!byShape) {
      byShape = new Map();
      templates.set(adapter, byShape);
    }
    const shape = shapeOf(values);
    let t = byShape.get(shape);
    if (!t) {
      const mark = marked(values);
      t = template(build(db, mark.values).compile() as CompiledQuery<unknown>, mark.markers);
      byShape.set(shape, t);
    }
    const parameters = t.sources.map((source) => {
      if ('constant' in source) return source.constant;
      const value = values[source.name];
      return source.index < 0 ? value : (value as readonly unknown[])[source.index];
    });
    const result = await db.executeQuery<O>({ ...(t.compiled as CompiledQuery<O>), parameters });
    return result.rows as O[];
  };
}
