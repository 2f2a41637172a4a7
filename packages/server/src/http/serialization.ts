/**
 * Response serializers (fast-json-stringify, as Fastify's default) compiled when a route first
 * answers with that status, not when the server starts: compiling every route's response
 * schemas up front was a quarter of a second of each start.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;

const eager: Factory = SerializerSelector();

/** Fastify's `compilersFactory.buildSerializer`, deferring each compilation to its first use. */
export const lazySerializers: Factory = (externalSchemas, options) => {
  const compile = eager(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc) => {
      serialize ??= compile(route);
      return serialize(doc);
    };
  };
};
