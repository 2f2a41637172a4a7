/**
 * A bounded, seeded fuzz of the whole API, driven by its OpenAPI document: every field of every
 * request body, every path parameter and query parameter gets schema-violating and edge values
 * (huge and exponent numbers, long strings, control characters, wrong types). No answer may be a
 * 5xx, every answer must be as the document says, and a refused request must leave the store
 * exactly as it was (compared table by table). `HEARTH_FUZZ_SEED` replays a run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';
import { OpenApiDocument, type Operation, type Schema } from '../../support/openapi.js';
import { openStoreReader, type StoreReader } from '../../support/store-reader.js';

const SEED = Number(process.env.HEARTH_FUZZ_SEED ?? 20261201);
/** Mutated requests per operation (a sample of all field × value pairs). */
const PER_OPERATION = 60;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value as JSON text, so numbers beyond a double (`1e309`) reach the server as typed. */
type Raw = { json: string; label: string };
const raw = (json: string, label = json): Raw => ({ json, label });
const literal = (value: unknown): Raw => raw(JSON.stringify(value), JSON.stringify(value).slice(0, 40));

const EDGE_VALUES: Raw[] = [
  raw('1e309'),
  raw('-1e309'),
  literal('1e309'),
  literal('-1e309'),
  raw('1e308'),
  raw('-1'),
  raw('0'),
  raw('1.5'),
  raw(String(2 ** 53 + 2)),
  raw('123456789012345678901234567890'),
  literal('99999999999999999999d'),
  literal('99999999999999999999TiB'),
  raw('true'),
  raw('false'),
  raw('null'),
  raw('[]'),
  raw('[1,2]'),
  raw('{}'),
  raw('{"a":{"b":1}}'),
  literal(''),
  literal(' '),
  literal('A_B'),
  literal('x'.repeat(10_000)),
  literal('a\u0000b'),
  literal('\u001b]0;pwned\u0007\u001b[2J'),
  literal('line\r\nbreak'),
  literal('\u202eevil'),
  literal('../../etc/passwd'),
  literal('NaN'),
  literal('Infinity'),
];

/** Path and query values: none of them names anything that exists. */
const EDGE_SEGMENTS = [
  'x'.repeat(300),
  '%00',
  '%1b%5b2J',
  '%zz',
  '1e309',
  '-1',
  'A_B',
  '%E2%80%AE',
  '..',
  'nobody-here',
];

/** Operations whose success would cost a build, revoke the fuzzer's own login, or remove fixtures. */
const ACT_ON_NOTHING =
  /\/(rebuild|start|stop|suspend|activate|regenerate|check|drain|undrain)$|\/members\/\{user\}$/;

/** A request the server accepts (or refuses for a reason other than its shape), per operation. */
function baseline(op: Operation): Record<string, unknown> | undefined {
  const key = `${op.method} ${op.path}`;
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /setup': { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' },
    'POST /auth/login': { username: 'nobody-here', password: 'wrong password' },
    'POST /users': { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' },
    'POST /orgs': { name: 'default' },
    'POST /workspaces': { name: 'api', image: DEMO_IMAGE, org: 'default' },
    'POST /orgs/{org}/images': { ref: DEMO_IMAGE },
    'POST /orgs/{org}/campaigns': { image: 'not-in-the-catalogue:1' },
    'PUT /users/{user}/autostart': { time: '08:30', timezone: 'Europe/Berlin' },
    'POST /tokens': { name: 'fuzz', lifetime: '1d' },
    'PUT /users/me/dotfiles': { url: 'https://example.com/dots.git' },
    'PUT /users/me/secrets/{name}': { value: 'v' },
    'POST /users/me/ssh-keys': { publicKey: 'not a key' },
    // An engine that does not answer: refused after every check of its shape, nothing written.
    'PATCH /admin/engines/{name}': { cpu: 1, memory: '1GiB' },
    'POST /admin/engines': {
      name: 'fuzz',
      dockerHost: 'unix:///nonexistent/docker.sock',
      cpu: 1,
      memory: '1GiB',
    },
  };
  return bodies[key] ?? (op.spec.requestBody ? {} : undefined);
}

function pathFor(op: Operation, override?: { name: string; value: string }): string {
  const real: Record<string, string> = { user: 'alice', name: 'api', org: 'default', number: '1' };
  const safe = !ACT_ON_NOTHING.test(op.path) && op.method !== 'DELETE';
  return op.path.replace(/\{([^}]+)\}/g, (_, param: string) => {
    if (override?.name === param) return override.value;
    if (op.path.startsWith('/users/me/secrets')) return 'FUZZ_SECRET';
    return safe ? (real[param] ?? 'nobody-here') : 'nobody-here';
  });
}

function bodyProperties(op: Operation): string[] {
  const schema = op.spec.requestBody?.content['application/json']?.schema as Schema | undefined;
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  return Object.keys(properties);
}

/**
 * The tables the server writes on its own, whatever requests come (PostgreSQL): each replica's
 * heartbeat, the periodic jobs' turns, open sessions' leases; and the failed-login windows, which
 * a refused login is meant to move on (on SQLite they live in memory).
 */
const BACKGROUND_TABLES = new Set(['replicas', 'job_runs', 'session_leases', 'login_windows']);

/**
 * Every row of every table, for comparing what a request changed; but a token's `last_used_at`
 * (authentication itself writes it, at most once a minute, whatever the request then does, so a
 * run longer than a minute would see it change) and the {@link BACKGROUND_TABLES}.
 */
async function snapshot(store: StoreReader): Promise<string> {
  const tables = (await store.tables()).filter(([name]) => !BACKGROUND_TABLES.has(name));
  return JSON.stringify(
    tables.map(([name, rows]) => [
      name,
      name === 'tokens' ? rows.map((r) => ({ ...(r as object), last_used_at: undefined })) : rows,
    ]),
  );
}

/** The tables whose rows differ between two snapshots, with the first differing row. */
function changedTables(before: string, after: string): string {
  const a = new Map(JSON.parse(before) as [string, unknown[]][]);
  return (JSON.parse(after) as [string, unknown[]][])
    .filter(([name, rows]) => JSON.stringify(rows) !== JSON.stringify(a.get(name)))
    .map(
      ([name, rows]) =>
        `${name} ${JSON.stringify(rows.find((r, i) => JSON.stringify(r) !== JSON.stringify(a.get(name)?.[i]))).slice(0, 300)}`,
    )
    .join('; ');
}

describe(`fuzzing every route of the OpenAPI document (seed ${SEED})`, () => {
  const t = useHearth();
  let doc: OpenApiDocument;
  let store: StoreReader;

  before(async () => {
    doc = new OpenApiDocument((await t.hearth.api.get('/openapi.json')).body);
    const created = await t.alice.post('/workspaces', {
      name: 'api',
      image: DEMO_IMAGE,
      cpu: 1,
      memory: '512m',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);
    assert.equal((await settled(t.alice, 'me', 'api')).state, 'running');
    store = await openStoreReader(t.hearth.dataDir);
  });
  after(() => store?.close());

  it('given schema-violating and edge values everywhere, when sent, then no 5xx, answers as documented, and refusals write nothing', async () => {
    const random = prng(SEED);
    const failures: string[] = [];
    let requests = 0;
    let refused = 0;
    let state = await snapshot(store);

    const send = async (op: Operation, path: string, body: string | undefined, label: string) => {
      const response = await fetch(`${t.hearth.server.url}/api/v1${path}`, {
        method: op.method,
        headers: {
          authorization: `Bearer ${t.alice.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
      });
      const text = await response.text();
      requests++;
      const where = `${op.method} ${path.slice(0, 80)} ${label}`;
      if (response.status >= 500) failures.push(`${where}: ${response.status} ${text.slice(0, 200)}`);
      const type = response.headers.get('content-type');
      let parsed: unknown = text || undefined;
      if (type?.startsWith('application/json') && text) parsed = JSON.parse(text);
      for (const problem of doc.problems(op, response.status, type, parsed))
        failures.push(`${where}: ${problem}`);
      const now = await snapshot(store);
      if (response.status >= 400) {
        refused++;
        if (now !== state)
          failures.push(
            `${where}: refused with ${response.status} but the store changed: ${changedTables(state, now)}`,
          );
      }
      state = now;
    };

    for (const op of doc.operations) {
      // Streams stay open by design; logging out would end the fuzzer's own session.
      if (op.spec.responses['101'] || /\/(logs|watch)$|^\/auth\/logout$/.test(op.path)) continue;
      const base = baseline(op);
      const cases: (() => Promise<void>)[] = [];
      for (const field of bodyProperties(op))
        for (const value of EDGE_VALUES)
          cases.push(() => {
            const fields = Object.entries(base ?? {})
              .filter(([k]) => k !== field)
              .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
            return send(
              op,
              pathFor(op),
              `{${[...fields, `"${field}":${value.json}`].join(',')}}`,
              `${field}=${value.label}`,
            );
          });
      if (op.spec.requestBody)
        for (const whole of [
          '[]',
          '"x"',
          '1e309',
          'null',
          '{"a":',
          `{${'"k":1,'.repeat(5000)}"k":2}`,
          JSON.stringify({ ...base, unknown: 1e308 }),
        ])
          cases.push(() => send(op, pathFor(op), whole, `body=${whole.slice(0, 20)}`));
      for (const param of (op.path.match(/\{([^}]+)\}/g) ?? []).map((p) => p.slice(1, -1)))
        for (const value of EDGE_SEGMENTS)
          cases.push(() =>
            send(
              op,
              pathFor(op, { name: param, value }),
              base && JSON.stringify(base),
              `${param}=${value.slice(0, 20)}`,
            ),
          );
      for (const query of (op.spec.parameters ?? []).filter((p) => p.in === 'query'))
        for (const value of EDGE_SEGMENTS)
          cases.push(() =>
            send(
              op,
              `${pathFor(op)}?${query.name}=${value}`,
              undefined,
              `?${query.name}=${value.slice(0, 20)}`,
            ),
          );
      // A sample, the same for the same seed: each case with probability PER_OPERATION / cases.
      for (const run of cases) if (random() < PER_OPERATION / cases.length) await run();
    }
    process.stderr.write(`fuzz: seed ${SEED}, ${requests} requests, ${refused} refused\n`);
    assert.ok(requests > 500, `only ${requests} requests were sent`);
    assert.deepEqual(failures, []);
  });
});
