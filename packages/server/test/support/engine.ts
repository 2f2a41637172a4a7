/**
 * The engine every test talks to: `DOCKER_HOST` when set, else the local default socket, exactly
 * as `hearth server` resolves it. Tests and benches reach the engine only through these.
 */
import Docker from 'dockerode';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { DEFAULT_SOCKET, resolveEndpoint } from '../../src/runtime/docker/endpoint.js';

/** The configured engine; the driver's own default socket only when `DOCKER_HOST` is unset. */
export const TEST_DOCKER_HOST = process.env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;

/** Hearth's driver on the configured engine. */
export function testRuntime(): DockerRuntime {
  return new DockerRuntime({ host: TEST_DOCKER_HOST });
}

/** A raw dockerode client on the configured engine, for checks below the driver's contract. */
export function testDocker(): Docker {
  return new Docker(resolveEndpoint({ host: TEST_DOCKER_HOST }).modem);
}
