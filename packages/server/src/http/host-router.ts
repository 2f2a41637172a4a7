/**
 * Routing by Host before anything else: a request (or WebSocket upgrade) for an app host goes to
 * the app proxy and never reaches the API; every other host gets the API and never an app.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';

export interface AppFrontDoor {
  /** The app label of `host` (`3000--api--alice`), or undefined when it is not an app host. */
  labelOf(host: string | undefined): string | undefined;
  request(label: string, req: IncomingMessage, res: ServerResponse): void;
  upgrade(label: string, req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** A Fastify `serverFactory` whose server hands app hosts to `apps`. */
export function hostRouter(apps: AppFrontDoor) {
  return (handler: RequestListener): Server => {
    const server = createServer((req, res) => {
      const label = apps.labelOf(req.headers.host);
      if (label === undefined) handler(req, res);
      else apps.request(label, req, res);
    });
    // The WebSocket plugin listens for upgrades on this server; app hosts must never reach it.
    const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
    server.emit = ((event: string, ...args: unknown[]) => {
      if (event === 'upgrade') {
        const [req, socket, head] = args as [IncomingMessage, Duplex, Buffer];
        const label = apps.labelOf(req.headers.host);
        if (label !== undefined) {
          apps.upgrade(label, req, socket, head);
          return true;
        }
      }
      return emit(event, ...args);
    }) as Server['emit'];
    return server;
  };
}
