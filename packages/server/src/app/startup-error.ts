/** A start-up failure with one message that says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
