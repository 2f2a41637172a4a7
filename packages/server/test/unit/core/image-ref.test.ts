import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ImageRef, namesRegistry, normalizeImageRef, shouldPull } from '../../../src/core/image-ref.js';

function normalized(ref: ImageRef): string {
  assert.ok(ref.ok, `expected ok, got: ${ref.ok ? '' : ref.problem}`);
  return ref.value;
}

function problem(ref: ImageRef): string {
  assert.ok(!ref.ok, `expected a problem, got ${ref.ok ? ref.value : ''}`);
  return ref.problem;
}

describe('normalizeImageRef', () => {
  it('given a repository name over 255 characters, when normalized, then it is too long (the engine would refuse it)', () => {
    const name255 = `${'a'.repeat(200)}/${'b'.repeat(54)}`;
    assert.equal(normalized(normalizeImageRef(`${name255}:v1`)), `${name255}:v1`);
    assert.match(problem(normalizeImageRef(`${name255}c:v1`)), /is too long: .* at most 255 characters/);
    assert.match(problem(normalizeImageRef('a'.repeat(400))), /is too long/);
  });

  it('given no tag, when normalized, then :latest is added', () => {
    assert.equal(normalized(normalizeImageRef('hearth-demo')), 'hearth-demo:latest');
    assert.equal(normalized(normalizeImageRef('team/dev')), 'team/dev:latest');
  });

  it('given a tag, when normalized, then it is kept', () => {
    for (const ref of ['ubuntu:22.04', 'hearth-demo:latest', 'team/dev:v1.2-rc_3', 'a.b/c__d:X']) {
      assert.equal(normalized(normalizeImageRef(ref)), ref);
    }
  });

  it('given a registry host with a port, when normalized, then the port is not taken for a tag', () => {
    assert.equal(normalized(normalizeImageRef('localhost:5000/team/dev:1.2')), 'localhost:5000/team/dev:1.2');
    assert.equal(normalized(normalizeImageRef('localhost:5000/team/dev')), 'localhost:5000/team/dev:latest');
  });

  it('given a registry host name, when normalized, then it is accepted', () => {
    assert.equal(
      normalized(normalizeImageRef('registry.example.com/x/y:tag')),
      'registry.example.com/x/y:tag',
    );
    assert.equal(normalized(normalizeImageRef('ghcr.io/org/img')), 'ghcr.io/org/img:latest');
  });

  it('given surrounding whitespace, when normalized, then it is trimmed', () => {
    assert.equal(normalized(normalizeImageRef('  ubuntu:22.04\n')), 'ubuntu:22.04');
  });

  it('given a digest, when normalized, then it is refused with the reason', () => {
    const text = problem(normalizeImageRef(`x@sha256:${'a'.repeat(64)}`));
    assert.match(text, /pins a digest/);
    assert.match(text, /repository:tag/);
    assert.match(problem(normalizeImageRef(`x:1@sha256:${'a'.repeat(64)}`)), /pins a digest/);
  });

  it('given something that is not a reference, when normalized, then the problem quotes it and shows an example', () => {
    const bad = [
      '',
      '   ',
      'Hearth-Demo',
      'team/Dev:1',
      'hearth demo',
      'ubuntu:22 04',
      'ubuntu:',
      ':latest',
      'team//dev',
      '/dev',
      'dev/',
      'ubuntu:-x',
      `ubuntu:${'t'.repeat(129)}`,
      'https://registry.example.com/x',
    ];
    for (const input of bad) {
      const text = problem(normalizeImageRef(input));
      assert.ok(
        text.startsWith(`image "${input}" is not an image reference`),
        `${JSON.stringify(input)}: ${text}`,
      );
      assert.match(text, /e\.g\. hearth-demo:latest/);
    }
  });

  it('given the longest tag Docker allows, when normalized, then it is accepted', () => {
    const ref = `ubuntu:${'t'.repeat(128)}`;
    assert.equal(normalized(normalizeImageRef(ref)), ref);
  });
});

describe('namesRegistry', () => {
  const cases: [string, boolean][] = [
    ['ubuntu:22.04', false],
    ['hearth-demo', false],
    ['library/ubuntu:22.04', false],
    ['team/dev:1', false],
    ['localhost/dev:1', true],
    ['localhost:5000/team/dev:1.2', true],
    ['registry.example.com/x/y:tag', true],
    ['ghcr.io/org/img:latest', true],
    ['myhost:5000/img', true],
  ];
  for (const [ref, expected] of cases) {
    it(`given ${ref}, when asked, then it ${expected ? 'names' : 'does not name'} a registry`, () => {
      assert.equal(namesRegistry(ref), expected);
    });
  }
});

describe('shouldPull', () => {
  const cases: [string, boolean, boolean][] = [
    ['ubuntu:22.04', false, true],
    ['ubuntu:22.04', true, false],
    ['team/dev:1', true, false],
    ['localhost:5000/team/dev:1.2', false, true],
    ['localhost:5000/team/dev:1.2', true, true],
    ['ghcr.io/org/img:latest', true, true],
  ];
  for (const [ref, present, expected] of cases) {
    it(`given ${ref} ${present ? 'present' : 'missing'} locally, when asked, then it ${expected ? 'pulls' : 'does not pull'}`, () => {
      assert.equal(shouldPull(ref, present), expected);
    });
  }
});
