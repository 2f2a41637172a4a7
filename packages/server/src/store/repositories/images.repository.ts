/**
 * Org catalogues: the images an org approves, by tag, with the digest each tag has now.
 *
 * Dialect differences: none beyond executor.ts's conventions (catalogues are ordered by `ref`).
 */
import type { ImageRow, ImageTable } from '../schema.js';
import type { Executor } from './executor.js';

export const insertImage = (db: Executor, image: ImageTable) =>
  db.insertInto('images').values(image).execute();

export const findImage = (db: Executor, orgId: string, ref: string): Promise<ImageRow | undefined> =>
  db.selectFrom('images').selectAll().where('org_id', '=', orgId).where('ref', '=', ref).executeTakeFirst();

export const findImageById = (db: Executor, orgId: string, id: string): Promise<ImageRow | undefined> =>
  db.selectFrom('images').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();

/** An org's catalogue by ref; with `page`, at most `limit` images after the ref `after`. */
export const listImages = (
  db: Executor,
  orgId: string,
  page?: { after?: string | undefined; limit: number },
): Promise<ImageRow[]> => {
  let query = db.selectFrom('images').selectAll().where('org_id', '=', orgId);
  if (page?.after !== undefined) query = query.where('ref', '>', page.after);
  query = query.orderBy('ref');
  return (page ? query.limit(page.limit) : query).execute();
};

/** Every org's catalogue images with the org's name (in no particular order). */
export const listCatalogues = (db: Executor): Promise<(ImageRow & { org: string })[]> =>
  db
    .selectFrom('images')
    .innerJoin('orgs', 'orgs.id', 'images.org_id')
    .selectAll('images')
    .select('orgs.name as org')
    .execute();

export const updateImage = (db: Executor, id: string, patch: Partial<ImageTable>) =>
  db.updateTable('images').set(patch).where('id', '=', id).execute();

export const deleteImage = (db: Executor, id: string) =>
  db.deleteFrom('images').where('id', '=', id).execute();
