#!/usr/bin/env node
/**
 * Bundles the server into one CommonJS file, dist/hearth-server.cjs, after `tsc -b` has built (and
 * type checked) it: `npm run build` runs this. `hearth server` runs it through the code-cache
 * launcher (src/launch-server.cts), with V8's code cache.
 *
 * One file loads without Node's module loaders and their per-module work (resolution, package
 * scopes, linking, about 700 module files), which was most of the server's start-up
 * (bench/server-start.js). Left out, and loaded from node_modules when used: native add-ons
 * (better-sqlite3, argon2, ssh2's crypto binding, cpu-features, ws's optional add-ons), pg (a
 * PostgreSQL store only) and dockerode's BuildKit session support (see
 * src/runtime/docker/dockerode.ts).
 *
 * The compiled modules locate files next to themselves (the dashboard, this installation's root)
 * through import.meta.url: in the bundle each gets the URL its own file has in dist/src, so a path
 * resolves as it does unbundled.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(SERVER, 'dist');
const OUT = join(DIST, 'hearth-server.cjs');

/** Defined at the bundle's top, where `require` is node's (a module may have a `require` of its own). */
const MODULE_URL = '__hearthModuleUrl';
const MODULE_URL_BANNER = `const ${MODULE_URL} = (own) => require('node:url').pathToFileURL(require('node:path').join(__dirname, own)).href;`;

/** Each compiled module's import.meta.url, as the file URL it has unbundled (relative to the bundle). */
const ownModuleUrl = {
  name: 'own-module-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const own = relative(DIST, args.path).split(sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `${MODULE_URL}(${JSON.stringify(own)})`),
        loader: 'js',
      };
    });
  },
};

/**
 * dockerode requires its BuildKit session module (gRPC, protobuf) at load: in the bundle it is
 * required from node_modules at its first call, as src/runtime/docker/dockerode.ts arranges
 * unbundled (through require's cache, which a bundle does not use: there dockerode.ts is only the
 * require, so that dockerode is bundled).
 */
const EAGER_SESSION = "withSession = require('./session'),";
const lazyDockerodeSession = {
  name: 'lazy-dockerode-session',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]dist[\\/]src[\\/]runtime[\\/]docker[\\/]dockerode\.js$/ }, () => ({
      contents: "export const Docker = require('dockerode');",
      loader: 'js',
    }));
    esbuild.onLoad({ filter: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(EAGER_SESSION)) {
        return {
          errors: [{ text: `${args.path} no longer has \`${EAGER_SESSION}\`: update scripts/bundle.js` }],
        };
      }
      const lazy =
        "withSession = function (...args) { return require('dockerode/lib/session.js').apply(this, args); },";
      return { contents: source.replace(EAGER_SESSION, lazy), loader: 'js' };
    });
  },
};

/**
 * ssh2 is bundled (its 22 module files were a seventh of the start's CPU) but for its native crypto
 * binding, which it requires beside its own file and falls back from silently when it does not load:
 * in the bundle the binding is required from ssh2's package in node_modules, where it was built.
 * Its packet ciphers (crypto.js, where randomFillSync fills only packet padding) get their padding
 * from src/access/ssh-padding.ts's pool instead of a call into OpenSSL per packet.
 */
const BINDING = "require('./crypto/build/Release/sshcrypto.node')";
const CRYPTO_IMPORT =
  "createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual\n} = require('crypto');";
const PADDING = JSON.stringify(join(DIST, 'src', 'access', 'ssh-padding.js'));
const ssh2Binding = {
  name: 'ssh2-binding',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      for (const expected of [BINDING, CRYPTO_IMPORT]) {
        if (!source.includes(expected)) {
          return {
            errors: [{ text: `${args.path} no longer has \`${expected}\`: update scripts/bundle.js` }],
          };
        }
      }
      const fromPackage = "require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')";
      const pooledPadding =
        "createCipheriv, createDecipheriv, createHmac, timingSafeEqual\n} = require('crypto');\n" +
        `const { fillPadding: randomFillSync } = require(${PADDING});`;
      return {
        contents: source.replace(BINDING, fromPackage).replace(CRYPTO_IMPORT, pooledPadding),
        loader: 'js',
      };
    });
  },
};

const result = await build({
  entryPoints: [join(DIST, 'src', 'index.js')],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  external: [
    'better-sqlite3',
    'argon2',
    'pg',
    'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
    'cpu-features',
    'bufferutil',
    'utf-8-validate',
    'dockerode/lib/session.js',
  ],
  plugins: [lazyDockerodeSession, ssh2Binding, ownModuleUrl],
  banner: { js: MODULE_URL_BANNER },
  // The launcher runs the bundle as a vm script, where import() needs an experimental loader.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  legalComments: 'none',
  metafile: process.env.HEARTH_BUNDLE_META !== undefined,
});
if (process.env.HEARTH_BUNDLE_META)
  writeFileSync(process.env.HEARTH_BUNDLE_META, JSON.stringify(result.metafile));
