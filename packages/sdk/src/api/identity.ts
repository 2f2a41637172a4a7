import { type Static, Type } from '@sinclair/typebox';
import { Name, Timestamp } from './common.js';
import { MIN_NEW_PASSWORD_LENGTH } from './password-rules.js';

export const OrgRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
export type OrgRole = Static<typeof OrgRole>;

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.String(),
  siteAdmin: Type.Boolean(),
  suspended: Type.Boolean(),
  createdAt: Timestamp,
  orgs: Type.Array(Type.Object({ name: Type.String(), role: OrgRole })),
});
export type User = Static<typeof User>;

export const SetupStatus = Type.Object({ setupRequired: Type.Boolean() });
export type SetupStatus = Static<typeof SetupStatus>;

export const SetupRequest = Type.Object({
  username: Name,
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SetupRequest = Static<typeof SetupRequest>;

export const LoginRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginRequest = Static<typeof LoginRequest>;

/** A session: the secret `token` is shown once and never again. */
export const SessionResponse = Type.Object({
  token: Type.String(),
  expiresAt: Timestamp,
  user: User,
});
export type SessionResponse = Static<typeof SessionResponse>;

export const ChangePasswordRequest = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  newPassword: Type.String({
    minLength: MIN_NEW_PASSWORD_LENGTH,
    maxLength: 1024,
    description: `At least ${MIN_NEW_PASSWORD_LENGTH} characters.`,
  }),
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

export const CreateUserRequest = Type.Object({
  username: Name,
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  siteAdmin: Type.Optional(Type.Boolean()),
  /** Org to add the user to as a member; default `default` when it exists. */
  org: Type.Optional(Type.String()),
});
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const Org = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Timestamp,
  limits: Type.Object({
    maxCpu: Type.Number(),
    maxMemory: Type.Integer(),
    maxDisk: Type.Integer(),
    maxGpus: Type.Integer(),
    memberCpuQuota: Type.Number({ description: 'Total CPU of one member’s running workspaces.' }),
    memberMemoryQuota: Type.Integer({ description: 'Total memory of one member’s running workspaces.' }),
    pidsLimit: Type.Integer({ description: 'Most processes and threads one workspace may run at once.' }),
  }),
});
export type Org = Static<typeof Org>;

export const CreateOrgRequest = Type.Object({ name: Name });
export type CreateOrgRequest = Static<typeof CreateOrgRequest>;

export const UpdateOrgLimitsRequest = Type.Object({
  maxCpu: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  maxMemory: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  maxDisk: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  maxGpus: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
  memberCpuQuota: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  memberMemoryQuota: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  pidsLimit: Type.Optional(
    Type.Integer({
      minimum: 64,
      maximum: 1_048_576,
      description:
        'Most processes and threads one workspace may run at once (default 4096); applies from the next build.',
    }),
  ),
});
export type UpdateOrgLimitsRequest = Static<typeof UpdateOrgLimitsRequest>;

export const OrgMember = Type.Object({
  username: Type.String(),
  email: Type.String(),
  role: OrgRole,
  addedAt: Timestamp,
});
export type OrgMember = Static<typeof OrgMember>;

export const PutMemberRequest = Type.Object({ role: Type.Optional(OrgRole) });
export type PutMemberRequest = Static<typeof PutMemberRequest>;

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;

export const CreateTokenRequest = Type.Object({
  name: Name,
  /** Lifetime as a duration: `30d`, `12h`, `90m`. Default 30d, at most 365d. */
  lifetime: Type.Optional(Type.String()),
});
export type CreateTokenRequest = Static<typeof CreateTokenRequest>;

export const CreatedToken = Type.Composite([ApiToken, Type.Object({ token: Type.String() })]);
export type CreatedToken = Static<typeof CreatedToken>;
