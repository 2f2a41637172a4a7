/**
 * The store's last line: no statement may bind `Infinity`, `-Infinity` or `NaN`. SQLite would keep
 * them as REAL ±Inf (or NULL), and every later read of that row would break views and arithmetic
 * for everyone (PostgreSQL would refuse them with a less helpful error). Validation refuses such
 * input long before; this makes the promise hold for any path, on both dialects (guarded-drivers.ts
 * runs it on every statement). It checks a flat list, so it costs next to nothing.
 */

/** `parameters` unchanged, or an error if one is a non-finite number. */
export function finiteParameters(parameters: ReadonlyArray<unknown>): ReadonlyArray<unknown> {
  for (const value of parameters)
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`refusing to store the non-finite number ${value}`);
  return parameters;
}
