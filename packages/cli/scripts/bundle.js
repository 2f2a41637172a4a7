#!/usr/bin/env node
/**
 * Bundles the CLI into one CommonJS file, dist/hearth-cli.cjs, after `tsc -b` has built (and type
 * checked) it: `npm run build` runs this. bin/hearth runs it through dist/src/launch.cjs; for
 * `ssh --stdio NAME` the launcher runs dist/hearth-ssh-stdio.cjs first, a bundle of that alone.
 *
 * One file loads without Node's ES-module loader and its per-module work (resolution, linking,
 * about 25 module files for a command), which is most of what a command costs at start-up
 * (bench/cli-start.js). The bundle keeps the dynamic imports lazy: a command still initializes only
 * its own command file. Left out, and loaded from node_modules when used: the server (`hearth
 * server`, which the launcher runs unbundled), ssh2 (native bindings) and ws's optional add-ons.
 * The top-level help is rendered here and carried as text (src/built-help.ts), and written with the
 * version next to the bundle (dist/hearth-cli.answers.json), for the launcher to print without it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(CLI, 'dist', 'hearth-cli.cjs');
const ANSWERS = join(CLI, 'dist', 'hearth-cli.answers.json');
const SSH_STDIO = join(CLI, 'dist', 'hearth-ssh-stdio.cjs');

// commander requires child_process at load, for executable subcommands the CLI does not have: in the
// bundle it is required when commander first spawns one, so no command loads it at start-up.
const EAGER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(EAGER_CHILD_PROCESS)) {
        return {
          errors: [
            { text: `${args.path} no longer has \`${EAGER_CHILD_PROCESS}\`: update scripts/bundle.js` },
          ],
        };
      }
      const lazy =
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(EAGER_CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

const options = {
  entryPoints: [join(CLI, 'dist', 'src', 'main.js')],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  external: ['@hearth/server', 'ssh2', 'bufferutil', 'utf-8-validate'],
  plugins: [lazyCommanderChildProcess],
  // The launcher runs the bundle as a vm script, where import() needs an experimental loader (and
  // prints a warning): the lazy imports of node's modules become lazy require() calls. `hearth
  // server` runs the server's own bundle instead (launch.cts).
  supported: { 'dynamic-import': false },
  // import.meta has no value in a CommonJS bundle: code that uses it would break there, so it fails the build.
  logOverride: { 'empty-import-meta': 'error' },
  logLevel: 'warning',
  legalComments: 'none',
  // Comments and indentation are over a third of the file (commander's JSDoc): every command reads
  // the whole bundle and hands it to V8 with its code cache, which took about 0.4 ms less once they
  // were gone. Names stay, so a stack trace still names its functions.
  minifyWhitespace: true,
};

// First without the help text, to render it: `hearth --help` as commander prints it to a pipe. Then
// with it (built-help.ts), so the shipped bundle prints that text without building the command tree.
await build(options);
const printed = (arg) =>
  execFileSync(process.execPath, [OUT, arg], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
const help = printed('--help');
await build({ ...options, define: { HEARTH_BUILT_HELP: JSON.stringify(help) } });
writeFileSync(ANSWERS, `${JSON.stringify({ version: printed('--version'), help })}\n`);

// `ssh --stdio NAME`, which OpenSSH starts for every connection, from a bundle of its own (src/stdio.ts):
// it loads and compiles 20 KB, not the CLI's 450 KB. The launcher requires it as any CommonJS file.
await build({
  ...options,
  entryPoints: [join(CLI, 'dist', 'src', 'stdio.js')],
  outfile: SSH_STDIO,
  plugins: [],
});

// The launcher compiles the bundle as a function body, where a `#!` line is a syntax error.
const text = readFileSync(OUT, 'utf8');
if (text.startsWith('#!')) writeFileSync(OUT, text.slice(text.indexOf('\n') + 1));
