export * from './api-client.js';
export * from './client.js';
export * from './errors.js';
export type { ExecIo, ExecSession } from './exec.js';
export {
  closeError,
  controlError,
  decodeFrame,
  type ExecFrame,
  encodeControl,
  encodeFrame,
  toWebSocketUrl,
} from './exec-frames.js';
export { readSse, type SseMessage, SseParser } from './sse.js';
