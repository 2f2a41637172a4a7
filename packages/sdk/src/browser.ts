/**
 * The browser-safe entry: the API's schemas and types, its paths, and the fetch/SSE client. It
 * imports nothing from Node, so the dashboard validates with the very schemas the server does.
 * Exec, the SSH tunnel and unix-socket URLs are in the Node entry (`@hearth/sdk`).
 */
export * from './api/access.js';
export * from './api/apps.js';
export * from './api/browser-session.js';
export * from './api/common.js';
export * from './api/dotfiles.js';
export * from './api/engines.js';
export * from './api/events.js';
export * from './api/identity.js';
export * from './api/images.js';
export * from './api/lifecycle.js';
export * from './api/names.js';
export * from './api/paging.js';
export * from './api/replicas.js';
export * from './api/secrets.js';
export * from './api/ssh-keys.js';
export * from './api/workspaces.js';
export * from './client/api-client.js';
export * from './client/errors.js';
export { readSse, type SseMessage, SseParser } from './client/sse.js';
export * from './routes.js';
