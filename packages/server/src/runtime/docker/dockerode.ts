/**
 * dockerode, without loading its BuildKit session support (gRPC and protobuf) at start-up: that
 * was a third of the server's module loading, for `buildImage` with BuildKit, which Hearth never
 * asks for. The session module is put in require's cache as a stand-in that loads the real one
 * on its first call, so dockerode works unchanged if it is ever needed.
 */
import { createRequire, Module } from 'node:module';
import type Dockerode from 'dockerode';

const require = createRequire(import.meta.url);
const sessionPath = require.resolve('dockerode/lib/session.js');

if (!require.cache[sessionPath]) {
  type WithSession = (...args: unknown[]) => unknown;
  let real: WithSession | undefined;
  const standIn = new Module(sessionPath);
  standIn.filename = sessionPath;
  standIn.loaded = true;
  standIn.exports = function withSession(this: unknown, ...args: unknown[]) {
    if (!real) {
      delete require.cache[sessionPath];
      real = require(sessionPath) as WithSession;
    }
    return real.apply(this, args);
  };
  require.cache[sessionPath] = standIn;
}

export const Docker = require('dockerode') as typeof Dockerode;
