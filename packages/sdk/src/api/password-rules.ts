/**
 * How long a new password must be: a module of its own, importing nothing, so the CLI can check a
 * password before sending it without loading the schema library (see page-limits.ts).
 */

/** The fewest characters (code points, as the schema counts them) a new password may have. */
export const MIN_NEW_PASSWORD_LENGTH = 8;
