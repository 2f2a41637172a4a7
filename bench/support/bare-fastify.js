/**
 * The ceiling a Hearth route is compared with: a bare Fastify server on the same machine that
 * answers GET /json with the JSON object in the file named by argv[2] (serialized per request,
 * as Fastify does without a schema) and GET /health with a small object, on the port in argv[3] (or
 * any free one). Prints its URL.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const body = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const app = Fastify({ logger: false });
app.get('/json', async () => body);
app.get('/health', async () => ({ ok: true }));
const url = await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) });
console.log(url);
