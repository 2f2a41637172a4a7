/**
 * The store is the only code that speaks SQL: use cases ask its repositories by name and open
 * transactions with `inTransaction`, so a second dialect (PostgreSQL) changes store/ alone.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../../src/', import.meta.url));

const RULES: [string, RegExp][] = [
  ['imports kysely', /from\s+['"]kysely['"]/],
  ['builds a query', /\.(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)\(/],
  ['writes raw SQL', /\bsql\s*(<[^>]*>)?`/],
  ["opens a transaction with Kysely's API", /\.transaction\(\)/],
];

/** Source files outside store/, relative to src/. */
function outsideStore(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.startsWith('store/'),
  );
}

describe('store boundary', () => {
  it('given the server sources outside store/, then none of them imports kysely or builds SQL', () => {
    const files = outsideStore();
    assert.ok(files.length > 50, `found only ${files.length} files under ${SRC}`);
    const offenders: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(SRC, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [what, pattern] of RULES)
          if (pattern.test(line)) offenders.push(`${file}:${i + 1} ${what}`);
      });
    }
    assert.deepEqual(offenders, [], 'add a named function to store/repositories/ (or use inTransaction)');
  });
});
