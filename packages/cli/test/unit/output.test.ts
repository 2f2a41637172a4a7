import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatAge,
  formatBytes,
  formatCpu,
  formatDuration,
  renderTable,
  shortDigest,
} from '../../src/output.js';

describe('formatBytes', () => {
  it('uses binary units written like the size flags', () => {
    assert.equal(formatBytes(0), '0B');
    assert.equal(formatBytes(1023), '1023B');
    assert.equal(formatBytes(1024), '1KiB');
    assert.equal(formatBytes(512 * 1024 ** 2), '512MiB');
    assert.equal(formatBytes(4 * 1024 ** 3), '4GiB');
    assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5GiB');
    assert.equal(formatBytes(2 * 1024 ** 4), '2TiB');
  });

  it('rounds to one decimal and shows a dash for unknown', () => {
    assert.equal(formatBytes(1024 ** 3 + 1), '1GiB');
    assert.equal(formatBytes(null), '-');
  });
});

describe('formatDuration', () => {
  it('picks the unit that reads best', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(850), '850ms');
    assert.equal(formatDuration(4100), '4.1s');
    assert.equal(formatDuration(4000), '4s');
    assert.equal(formatDuration(59_990), '59.9s');
    assert.equal(formatDuration(125_000), '2m05s');
    assert.equal(formatDuration(3_720_000), '1h02m');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3d04h');
  });

  it('shows a dash for a stage that has no duration yet', () => {
    assert.equal(formatDuration(null), '-');
  });
});

describe('formatAge', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  it('says how long ago', () => {
    assert.equal(formatAge('2025-01-01T11:59:55Z', now), 'just now');
    assert.equal(formatAge('2025-01-01T11:59:30Z', now), '30s ago');
    assert.equal(formatAge('2025-01-01T11:55:00Z', now), '5m ago');
    assert.equal(formatAge('2025-01-01T09:00:00Z', now), '3h ago');
    assert.equal(formatAge('2024-12-30T12:00:00Z', now), '2d ago');
  });
  it('passes through what it cannot parse', () => {
    assert.equal(formatAge('soon', now), 'soon');
  });
});

describe('formatCpu and shortDigest', () => {
  it('formats cores without float noise', () => {
    assert.equal(formatCpu(2), '2');
    assert.equal(formatCpu(0.5), '0.5');
    assert.equal(formatCpu(0.1 + 0.2), '0.3');
  });
  it('shortens digests like docker does', () => {
    assert.equal(shortDigest('sha256:0123456789abcdef0123'), '0123456789ab');
    assert.equal(shortDigest(null), '-');
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell and leaves no trailing spaces', () => {
    const out = renderTable(
      ['NAME', 'STATE', 'REASON'],
      [
        ['dev', 'running', ''],
        ['longer-name', 'stopped', 'auto-off'],
      ],
    );
    assert.equal(
      out,
      ['NAME          STATE     REASON', 'dev           running', 'longer-name   stopped   auto-off'].join(
        '\n',
      ),
    );
  });
});
