/**
 * Which org a request means when it names none: the only one it can mean, or an error that names
 * the candidates. Pure; the callers load the user's orgs (and which of them offer the image).
 */

export type OrgChoice =
  | { readonly ok: true; readonly org: string }
  | {
      readonly ok: false;
      readonly code: 'org_not_found' | 'invalid_input' | 'image_not_in_catalogue';
      readonly message: string;
    };

/**
 * The org for a new workspace from `image`: the user's only org, else the only one of their orgs
 * whose catalogue has the image (`offering`, a subset of `memberOf`).
 */
export function chooseOrgForImage(
  memberOf: readonly string[],
  offering: readonly string[],
  image: string,
): OrgChoice {
  if (memberOf.length === 0) {
    return {
      ok: false,
      code: 'org_not_found',
      message: 'you are not a member of any org; ask an org admin to add you',
    };
  }
  if (memberOf.length === 1) return { ok: true, org: memberOf[0]! };
  if (offering.length === 1) return { ok: true, org: offering[0]! };
  if (offering.length === 0) {
    return {
      ok: false,
      code: 'image_not_in_catalogue',
      message: `image ${image} is in none of your orgs' catalogues (${memberOf.join(', ')}); see "hearth images list", or ask an org admin to add it`,
    };
  }
  return {
    ok: false,
    code: 'invalid_input',
    message: `image ${image} is offered by several of your orgs (${offering.join(', ')}); choose one with --org`,
  };
}
