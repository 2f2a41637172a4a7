/** Workspace and build values for tests, complete so that renderers see realistic shapes. */
import type { Build, Stage, Workspace } from '@hearth/sdk';

const GiB = 1024 ** 3;

/** A build of `dev`; override what the test is about. */
export function aBuild(overrides: Partial<Build> = {}): Build {
  return {
    number: 3,
    status: 'succeeded',
    reason: 'rebuild',
    initiator: 'alice',
    imageRef: 'hearth/dev:bookworm',
    imageDigest: 'sha256:0123456789abcdef',
    resources: { cpu: 2, memory: 4 * GiB, disk: 20 * GiB, gpus: 0 },
    stages: [],
    queuePosition: null,
    replica: null,
    error: null,
    warnings: [],
    queuedAt: '2025-01-01T11:59:00Z',
    startedAt: '2025-01-01T11:59:01Z',
    finishedAt: '2025-01-01T11:59:05Z',
    durationMs: 4100,
    ...overrides,
  };
}

/** A stage in a given status. */
export function aStage(
  name: Stage['name'],
  status: Stage['status'],
  durationMs: number | null = null,
): Stage {
  return { name, status, durationMs };
}

/** Alice's running workspace `dev`; override what the test is about. */
export function aWorkspace(overrides: Partial<Workspace> = {}): Workspace {
  return {
    id: 'ws_1',
    name: 'dev',
    owner: 'alice',
    org: 'default',
    state: 'running',
    stateReason: {
      code: 'build_succeeded',
      message: 'build #3 succeeded',
      actor: 'alice',
      at: '2025-01-01T11:59:05Z',
    },
    image: 'hearth/dev:bookworm',
    imageDigest: 'sha256:0123456789abcdef',
    outdated: false,
    imageInCatalogue: true,
    username: 'dev',
    home: '/home/dev',
    resources: { cpu: 2, memory: 4 * GiB, disk: 20 * GiB, gpus: 0 },
    engine: 'default',
    disk: {
      requested: 20 * GiB,
      usedBytes: GiB,
      usedMeasuredAt: '2026-01-01T00:00:00.000Z',
      usedUnknownReason: null,
      enforced: false,
      note: 'the engine cannot cap volume size',
    },
    lastBuild: aBuild(),
    lifecycle: {
      lastActivityAt: null,
      autoOffAt: null,
      autoOffWarning: null,
      autoOff: null,
      autoOffInForce: 'never',
      autoOffNote: null,
      autostart: false,
    },
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T11:59:05Z',
    ...overrides,
  };
}
