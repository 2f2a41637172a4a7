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
  hooks: Type.Object({
    /** Seconds `/hearth/configure` may run before it is killed and the build fails. */
    configureTimeoutSeconds: Type.Integer(),
    /** Seconds the personalize stage (dotfiles, ~/personalize) may take before it is cut short. */
    personalizeTimeoutSeconds: Type.Integer(),
  }),
  createdAt: Timestamp,
  /**
   * What is wrong with the defaults under the org's limits now: a default over a per-workspace
   * limit, which \`create\` without that amount would be refused for. Empty when they fit.
   */
  warnings: Type.Array(Type.String()),
});
export type Image = Static<typeof Image>;

export const AddImageRequest = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 512 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  defaults: Type.Optional(ResourceRequestInput),
  hooks: Type.Optional(
    Type.Object({
      configureTimeout: Type.Optional(
        Type.String({ description: 'Duration, e.g. `15m` (the default), `90s`.', maxLength: 32 }),
      ),
      personalizeTimeout: Type.Optional(
        Type.String({ description: 'Duration, e.g. `10m` (the default).', maxLength: 32 }),
      ),
    }),
  ),
});
export type AddImageRequest = Static<typeof AddImageRequest>;

/** One catalogue image after `hearth images check`. */
export const ImageCheck = Type.Object({
  org: Type.String(),
  ref: Type.String(),
  previousDigest: Type.String(),
  digest: Type.String({ description: 'The image id the tag points at now.' }),
  changed: Type.Boolean(),
  outdatedWorkspaces: Type.Integer({ description: 'Workspaces built from another digest of this tag.' }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type ImageCheck = Static<typeof ImageCheck>;
