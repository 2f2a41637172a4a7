/**
 * A CommonJS package loaded when it is first used, not when the server starts: start-up loads
 * only what serving needs (argon2 waits for the first login, pg for a PostgreSQL store). Use it
 * with `import type` for the package's types, so nothing loads it at import time.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
