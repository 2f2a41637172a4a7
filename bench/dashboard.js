#!/usr/bin/env node
/**
 * The dashboard's speed in Chromium: how long until the first page (100) of a list of 1,000
 * workspaces is on screen and answers a search, how long "Load more" takes to add the next 100, and
 * how big the JavaScript is (initial and the lazy terminal).
 *
 *   node bench/dashboard.js [--workspaces 1000] [--runs 5]
 *
 * A real server (real engine, SQLite) with alice set up through the API; her 1,000 workspaces are
 * seeded as stopped rows straight into SQLite (as bench/executor.js does), since building 1,000
 * containers is not what is measured. Chromium is Debian's, driven by playwright-core, off the
 * network. Prints a table; writes bench/results/dashboard-<timestamp>.json (git-ignored).
 * Budgets: initial JavaScript ≤ 150 KiB gzip, list interactive ≤ 1,500 ms.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';

const HERE = dirname(fileURLToPath(import.meta.url));
const SUPPORT = join(HERE, '..', 'packages', 'server', 'dist', 'test', 'support');
const WEB = join(HERE, '..', 'packages', 'web', 'dist');
const { startHearth, setupAlice, removeDir } = await import(join(SUPPORT, 'hearth.js'));
const { launchBrowser, signIn } = await import(join(SUPPORT, 'browser.js'));

const BUDGET_INITIAL_GZIP = 150 * 1024;
const BUDGET_INTERACTIVE_MS = 1500;
const { values: flags } = parseArgs({
  options: { workspaces: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const N = Number(flags.workspaces);
const RUNS = Number(flags.runs);
/** The rows of the list's first page (the API's default page size). */
const FIRST = Math.min(N, 100);
const SECOND = Math.min(N, 200);

function bundleSizes() {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
  const files = readdirSync(join(WEB, 'assets')).filter((f) => f.endsWith('.js'));
  const size = (f) => {
    const body = readFileSync(join(WEB, 'assets', f));
    return { raw: body.length, gzip: gzipSync(body).length };
  };
  const sum = (list) =>
    list.map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
  return {
    initial: sum(files.filter((f) => initial.has(f))),
    terminal: sum(files.filter((f) => f.startsWith('terminal-'))),
    all: sum(files),
  };
}

function seed(dbFile) {
  const db = new Database(dbFile);
  const owner = db.prepare("SELECT id FROM users WHERE username = 'alice'").get().id;
  const org = db.prepare("SELECT id FROM orgs WHERE name = 'default'").get().id;
  const now = new Date().toISOString();
  const insert =
    db.prepare(`INSERT INTO workspaces (id, org_id, owner_id, name, image_ref, image_digest, username,
    cpu_millis, memory_bytes, disk_bytes, gpus, state, state_reason, state_message, state_actor, state_changed_at,
    container_id, volume_name, home_ready, created_at, updated_at, last_activity_at, auto_off_at, autostart)
    VALUES (@id, @org, @owner, @name, 'hearth-demo:latest', 'sha256:1', 'dev', 1000, ${2 ** 30}, ${2 ** 33}, 0,
    'stopped', 'user_stop', 'stopped by alice', 'alice', @now, NULL, @volume, 1, @now, @now, @now, NULL, 0)`);
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      insert.run({ id: `bench-${i}`, org, owner, name: `ws${i}`, now, volume: `hearth-home-bench-${i}` });
    }
  })();
  db.close();
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const hearth = await startHearth();
const browser = await launchBrowser();
try {
  await setupAlice(hearth.api);
  seed(join(hearth.dataDir, 'hearth.db'));
  const page = await signIn(browser, hearth, 'alice');
  const interactive = [];
  const search = [];
  const more = [];
  const rows = (n) =>
    page.waitForFunction((k) => document.querySelectorAll('tbody tr').length === k, n, {
      polling: 'raf',
      timeout: 60_000,
    });
  for (let run = 0; run < RUNS; run++) {
    const t0 = Date.now();
    await page.goto(hearth.server.url);
    await rows(FIRST);
    interactive.push(Date.now() - t0);
    if (SECOND > FIRST) {
      const t2 = Date.now();
      await page.getByRole('button', { name: 'Load more' }).click();
      await rows(SECOND);
      more.push(Date.now() - t2);
    }
    const last = await page.locator('tbody tr:last-child a').first().textContent();
    const t1 = Date.now();
    await page.getByLabel('Search workspaces').fill(last ?? '');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, null, {
      polling: 'raf',
    });
    search.push(Date.now() - t1);
  }
  const sizes = bundleSizes();
  const kib = (b) => (b / 1024).toFixed(1);
  const result = {
    at: new Date().toISOString(),
    workspaces: N,
    runs: RUNS,
    listInteractiveMs: { median: median(interactive), all: interactive, budget: BUDGET_INTERACTIVE_MS },
    searchMs: { median: median(search), all: search },
    loadMoreMs: { median: median(more), all: more },
    bundle: { ...sizes, budgetInitialGzip: BUDGET_INITIAL_GZIP },
  };
  console.log(
    `\nHearth dashboard: ${N} workspaces, ${RUNS} runs (Chromium ${browser.context.browser()?.version() ?? ''})\n`,
  );
  console.log('| measure | value | budget |');
  console.log('|---|---|---|');
  console.log(
    `| first ${FIRST} of ${N} on screen (median) | ${median(interactive)} ms | ${BUDGET_INTERACTIVE_MS} ms |`,
  );
  if (more.length)
    console.log(`| Load more: next ${SECOND - FIRST} on screen (median) | ${median(more)} ms | |`);
  console.log(`| search narrows it to one (median) | ${median(search)} ms | |`);
  console.log(
    `| initial JS | ${kib(sizes.initial.raw)} KiB, ${kib(sizes.initial.gzip)} KiB gzip | ${kib(BUDGET_INITIAL_GZIP)} KiB gzip |`,
  );
  console.log(
    `| terminal chunk (lazy) | ${kib(sizes.terminal.raw)} KiB, ${kib(sizes.terminal.gzip)} KiB gzip | |`,
  );
  console.log(`| all JS | ${kib(sizes.all.raw)} KiB, ${kib(sizes.all.gzip)} KiB gzip | |`);
  const out = join(HERE, 'results', `dashboard-${result.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
  const over = sizes.initial.gzip > BUDGET_INITIAL_GZIP || median(interactive) > BUDGET_INTERACTIVE_MS;
  process.exitCode = over ? 1 : 0;
} finally {
  await browser.close();
  await hearth.close();
  await removeDir(hearth.dataDir);
}
