/** A new random id for a stored record. */
export const newId = (): string => crypto.randomUUID();
