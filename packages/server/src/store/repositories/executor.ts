import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema.js';

/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;
