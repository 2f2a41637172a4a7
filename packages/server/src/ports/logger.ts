/** The structured logger every part of the server writes to (pino's interface). */
export type { Logger } from 'pino';
