import { type Static, Type } from '@sinclair/typebox';
import { ResourceRequestInput, Resources, Timestamp } from './common.js';

export const Image = Type.Object({
  id: Type.String(),
  org: Type.String(),
  ref: Type.String({ description: '`repository:tag` as added to the catalogue.' }),
  description: Type.String(),
  /** The workspace user, read from the image's `USER`. Home is `/home/<username>`. */
  username: Type.String(),
  uid: Type.Integer(),
  gid: Type.Integer(),
  /** Image id the tag resolved to when last checked. */
  digest: Type.String(),
  defaults: Resources,
  createdAt: Timestamp,
});
export type Image = Static<typeof Image>;

export const AddImageRequest = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 512 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  defaults: Type.Optional(ResourceRequestInput),
});
export type AddImageRequest = Static<typeof AddImageRequest>;
