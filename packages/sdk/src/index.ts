export * from './api/access.js';
export * from './api/common.js';
export * from './api/events.js';
export * from './api/identity.js';
export * from './api/images.js';
export * from './api/workspaces.js';
export * from './client/index.js';
export * from './routes.js';
