import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/browser.js');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'([^']+)'/g;

/** Every module the entry reaches: local files followed, bare specifiers collected. */
function importGraph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!));
      else bare.add(spec!);
    }
  };
  visit(entry);
  return { files, bare };
}

describe('the browser entry', () => {
  it('reaches no Node module and no Node-only package', () => {
    const { files, bare } = importGraph(ENTRY);
    assert.ok(files.size > 10, `followed only ${files.size} files`);
    assert.deepEqual([...bare].sort(), ['@sinclair/typebox']);
  });

  it('offers the schemas, the paths and the fetch client', async () => {
    const sdk = await import('../../src/browser.js');
    assert.equal(typeof sdk.HearthApiClient, 'function');
    assert.equal(typeof sdk.paths.workspaces, 'function');
    assert.equal(sdk.CreateWorkspaceRequest.type, 'object');
  });
});
