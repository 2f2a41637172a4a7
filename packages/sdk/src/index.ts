/**
 * The Node entry: everything in the browser-safe entry, plus the Node client (exec, the SSH
 * tunnel, unix-socket URLs).
 */
export * from './browser.js';
export * from './client/index.js';
