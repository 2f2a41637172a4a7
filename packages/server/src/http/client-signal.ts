/**
 * Work for a client that has gone away stops: a signal that aborts once the request's connection
 * closes before its answer was sent (at once, if it had already closed when the handler began).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function clientSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const gone = () => {
    if (!reply.raw.writableFinished) controller.abort();
  };
  if (request.raw.socket.destroyed || reply.raw.closed) gone();
  else reply.raw.once('close', gone);
  return controller.signal;
}
