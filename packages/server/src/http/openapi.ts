/**
 * Keeps the OpenAPI document true to what the server answers: every route declares the error body
 * for 4xx and 5xx (the error handler answers every failure in that format), and the WebSocket
 * routes are listed like the others (`@fastify/websocket` hides `websocket: true` routes and
 * answers a plain GET to them with an empty 404; here it gets the documented 400).
 */
import { ErrorBody } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { invalidInput } from '../errors.js';

/** The plain-GET side of a WebSocket route. */
export async function upgradeRequired(): Promise<never> {
  throw invalidInput('this endpoint speaks WebSocket: send the GET with "Upgrade: websocket"');
}

/** The response of a route that answers 204 (or 202) without a body. */
export const NoContent = Type.Null({ description: 'No body.' });

/** A redirect: its `Location` header is the answer. */
export const Redirect = Type.Null({ description: 'A redirect; the Location header says where.' });

/** A 200 whose body is text: a plain log, and/or a server-sent event stream. */
export function textResponse(description: string, plain: boolean) {
  const text = { schema: Type.String() };
  return {
    description,
    content: { ...(plain ? { 'text/plain': text } : {}), 'text/event-stream': text },
  };
}

/** What a WebSocket route answers when the upgrade succeeds. */
const SwitchingProtocols = Type.Null({
  description: 'Switching Protocols: the WebSocket session (refusals are HTTP errors before the upgrade).',
});

/** Registers the hook; call it after the WebSocket plugin (its hook must have run first) and before any route. */
export function documentEveryRoute(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.schema ??= {};
    const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> };
    const socket = Boolean(route.websocket || route.wsHandler);
    if (route.websocket) {
      schema.hide = false;
      const handler = route.handler as RouteHandlerMethod;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        return request.ws ? handler.call(this, request, reply) : upgradeRequired();
      } as RouteHandlerMethod;
    }
    schema.response = {
      ...(socket ? { 101: SwitchingProtocols } : {}),
      '4xx': ErrorBody,
      '5xx': ErrorBody,
      ...schema.response,
    };
  });
}
