/**
 * `--org` when it is left out: the only org the command can mean, or a usage error that names the
 * candidates. Org-admin commands (`images add`, `images check`, …) mean one of the orgs the user
 * administers; with a single org, that one (the server says if the user may not).
 */
import type { HearthClient } from '@hearth/sdk';
import { UsageError } from './errors.js';

export interface Membership {
  readonly name: string;
  readonly role: string;
}

/** The org an org-admin command means, from the user's memberships; throws naming the candidates. */
export function pickAdminOrg(memberships: readonly Membership[], example: string): string {
  if (memberships.length === 1) return memberships[0]!.name;
  if (memberships.length === 0) {
    throw new UsageError('you are not a member of any org; name one with --org', [
      '`hearth orgs list` shows the orgs you can see',
    ]);
  }
  const admin = memberships.filter((m) => m.role === 'admin');
  if (admin.length === 1) return admin[0]!.name;
  const candidates = (admin.length > 1 ? admin : memberships).map((m) => m.name);
  throw new UsageError(`you belong to several orgs (${candidates.join(', ')}); choose one with --org`, [
    `for example: ${example.replace('ORG', candidates[0]!)}`,
  ]);
}

/** `--org` as given, else {@link pickAdminOrg} over the caller's memberships. */
export async function adminOrg(
  client: HearthClient,
  given: string | undefined,
  example: string,
): Promise<string> {
  if (given) return given;
  return pickAdminOrg((await client.me()).orgs, example);
}
