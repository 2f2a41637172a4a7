/**
 * The caller, users, orgs, members and API tokens.
 */
import {
  ApiToken,
  CreatedToken,
  CreateOrgRequest,
  CreateTokenRequest,
  CreateUserRequest,
  Org,
  OrgMember,
  PageHeaders,
  PageQuery,
  PutMemberRequest,
  paths,
  UpdateOrgLimitsRequest,
  User,
} from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';
import { sendPage } from '../paging.js';

const UserParam = Type.Object({ user: Type.String() });
const OrgParam = Type.Object({ org: Type.String() });
const MemberParams = Type.Object({ org: Type.String(), user: Type.String() });

type Deps = Pick<Services, 'sessions' | 'users' | 'orgs' | 'members' | 'tokens'>;

export async function identityRoutes(app: FastifyInstance, s: Deps): Promise<void> {
  sessionRoutes(app, s);
  userRoutes(app, s);
  orgRoutes(app, s);
  memberRoutes(app, s);
  tokenRoutes(app, s);
}

/** The caller: sign out and who am I. */
function sessionRoutes(app: FastifyInstance, s: Deps): void {
  app.post(
    paths.logout(),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['identity'],
        summary: 'End this session (revokes the token used)',
      },
    },
    async (request, reply) => {
      await s.sessions.logout(actorOf(request));
      return reply.status(204).send();
    },
  );

  app.get(
    paths.me(),
    { schema: { tags: ['identity'], summary: 'The caller', response: { 200: User } } },
    async (request) => s.users.me(actorOf(request)),
  );
}

/** Users: list and create (site admins), suspend and activate. */
function userRoutes(app: FastifyInstance, s: Deps): void {
  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    paths.users(),
    {
      schema: {
        tags: ['identity'],
        summary:
          'Users by username (site admin); one page (the Link and X-Next-Cursor headers say where the next page is)',
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(User, { headers: PageHeaders }) },
      },
    },
    async (request, reply) =>
      sendPage(request, reply, await s.users.listUsers(actorOf(request), request.query)),
  );

  app.post<{ Body: CreateUserRequest }>(
    paths.users(),
    {
      schema: {
        tags: ['identity'],
        summary: 'Create a user (site admin); joins org "default" unless another org is named',
        body: CreateUserRequest,
        response: { 201: User },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.users.createUser(actorOf(request), request.body)),
  );

  for (const [path, suspended] of [
    [paths.userSuspend(':user'), true],
    [paths.userActivate(':user'), false],
  ] as const) {
    app.post<{ Params: { user: string } }>(
      pattern(path),
      {
        schema: {
          tags: ['identity'],
          summary: suspended
            ? 'Suspend a user: no logins, tokens stop working'
            : 'Re-activate a suspended user',
          params: UserParam,
          response: { 200: User },
        },
      },
      async (request) => s.users.setSuspended(actorOf(request), request.params.user, suspended),
    );
  }
}

/** Orgs and their limits. */
function orgRoutes(app: FastifyInstance, s: Deps): void {
  app.get(
    paths.orgs(),
    {
      schema: {
        tags: ['orgs'],
        summary: 'Orgs the caller belongs to (all, for a site admin)',
        response: { 200: Type.Array(Org) },
      },
    },
    async (request) => s.orgs.listOrgs(actorOf(request)),
  );

  app.post<{ Body: CreateOrgRequest }>(
    paths.orgs(),
    {
      schema: {
        tags: ['orgs'],
        summary: 'Create an org (site admin); the creator becomes its admin',
        body: CreateOrgRequest,
        response: { 201: Org },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.orgs.createOrg(actorOf(request), request.body.name)),
  );

  app.delete<{ Params: { org: string } }>(
    pattern(paths.org(':org')),
    {
      schema: {
        tags: ['orgs'],
        summary: 'Delete an org with no workspaces, with its members, catalogue and policy (site admin)',
        params: OrgParam,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await s.orgs.deleteOrg(actorOf(request), request.params.org);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { org: string } }>(
    pattern(paths.orgLimits(':org')),
    {
      schema: {
        tags: ['orgs'],
        summary: 'An org and its resource limits',
        params: OrgParam,
        response: { 200: Org },
      },
    },
    async (request) => s.orgs.getOrg(actorOf(request), request.params.org),
  );

  app.patch<{ Params: { org: string }; Body: UpdateOrgLimitsRequest }>(
    pattern(paths.orgLimits(':org')),
    {
      schema: {
        tags: ['orgs'],
        summary: 'Change resource limits (org admin)',
        params: OrgParam,
        body: UpdateOrgLimitsRequest,
        response: { 200: Org },
      },
    },
    async (request) => s.orgs.updateLimits(actorOf(request), request.params.org, request.body),
  );
}

/** Org members and their roles. */
function memberRoutes(app: FastifyInstance, s: Deps): void {
  app.get<{ Params: { org: string }; Querystring: { limit?: number; cursor?: string } }>(
    pattern(paths.orgMembers(':org')),
    {
      schema: {
        tags: ['orgs'],
        summary:
          'Members of an org, by username; one page (the Link and X-Next-Cursor headers say where the next page is)',
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(OrgMember, { headers: PageHeaders }) },
      },
    },
    async (request, reply) =>
      sendPage(
        request,
        reply,
        await s.members.listMembers(actorOf(request), request.params.org, request.query),
      ),
  );

  app.put<{ Params: { org: string; user: string }; Body: PutMemberRequest }>(
    pattern(paths.orgMember(':org', ':user')),
    {
      schema: {
        tags: ['orgs'],
        summary: 'Add a member or change their role (org admin)',
        params: MemberParams,
        body: PutMemberRequest,
        response: { 200: OrgMember },
      },
    },
    async (request) =>
      s.members.putMember(
        actorOf(request),
        request.params.org,
        request.params.user,
        request.body.role ?? 'member',
      ),
  );

  app.delete<{ Params: { org: string; user: string } }>(
    pattern(paths.orgMember(':org', ':user')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['orgs'],
        summary: 'Remove a member (org admin)',
        params: MemberParams,
      },
    },
    async (request, reply) => {
      await s.members.removeMember(actorOf(request), request.params.org, request.params.user);
      return reply.status(204).send();
    },
  );
}

/** The caller's API tokens. */
function tokenRoutes(app: FastifyInstance, s: Deps): void {
  app.get(
    paths.tokens(),
    {
      schema: {
        tags: ['tokens'],
        summary: "The caller's live API tokens",
        response: { 200: Type.Array(ApiToken) },
      },
    },
    async (request) => s.tokens.listTokens(actorOf(request)),
  );

  app.post<{ Body: CreateTokenRequest }>(
    paths.tokens(),
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create a named API token; its secret is returned once',
        body: CreateTokenRequest,
        response: { 201: CreatedToken },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await s.tokens.createToken(actorOf(request), request.body.name, request.body.lifetime)),
  );

  app.delete<{ Params: { id: string } }>(
    pattern(paths.token(':id')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: Type.Object({ id: Type.String() }),
      },
    },
    async (request, reply) => {
      await s.tokens.revokeToken(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
