import { type Static, Type } from '@sinclair/typebox';

/** The caller's dotfiles repository; `url` is `null` when none is set. */
export const Dotfiles = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  branch: Type.Union([Type.String(), Type.Null()], { description: '`null`: the default branch.' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
export type Dotfiles = Static<typeof Dotfiles>;

export const SetDotfilesRequest = Type.Object({
  url: Type.String({
    minLength: 1,
    maxLength: 2048,
    description: 'A git URL: https://, ssh://, git://, file:// or user@host:path.',
  }),
  branch: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
export type SetDotfilesRequest = Static<typeof SetDotfilesRequest>;
