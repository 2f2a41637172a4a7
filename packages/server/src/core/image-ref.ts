/**
 * Image references as the catalogue holds them: `repository:tag`, optionally behind a registry host.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?)';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?$`);

/** Docker's limit on a repository name including its registry host (distribution/reference: NameTotalLengthMax). */
const MAX_NAME_LENGTH = 255;

export type ImageRef = { ok: true; value: string } | { ok: false; problem: string };

/** Validates a reference and adds `:latest` when no tag is given (as Docker does). */
export function normalizeImageRef(input: string): ImageRef {
  const ref = input.trim();
  if (ref.includes('@')) {
    return {
      ok: false,
      problem: `image "${input}" pins a digest; the catalogue holds tags (repository:tag) so rebuilds can pick up new images`,
    };
  }
  if (!REFERENCE.test(ref)) {
    return {
      ok: false,
      problem: `image "${input}" is not an image reference: write repository:tag, e.g. hearth-demo:latest or registry.example.com:5000/team/dev:1.2`,
    };
  }
  const lastSlash = ref.lastIndexOf('/');
  const hasTag = ref.slice(lastSlash + 1).includes(':');
  const name = hasTag ? ref.slice(0, ref.lastIndexOf(':')) : ref;
  if (name.length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      problem: `image "${input.slice(0, 64)}…" is too long: a repository name (with its registry host, without the tag) has at most ${MAX_NAME_LENGTH} characters`,
    };
  }
  return { ok: true, value: hasTag ? ref : `${ref}:latest` };
}

/** True when the reference names a registry host (`localhost:5000/x`, `ghcr.io/x`), not Docker Hub. */
export function namesRegistry(ref: string): boolean {
  const slash = ref.indexOf('/');
  if (slash < 0) return false;
  const first = ref.slice(0, slash);
  return first === 'localhost' || first.includes('.') || first.includes(':');
}

/**
 * Whether a build should pull: always when the engine lacks the image; for images from a named
 * registry, also when present, since the tag may have moved (the pull is cheap when nothing changed).
 */
export function shouldPull(ref: string, presentLocally: boolean): boolean {
  return !presentLocally || namesRegistry(ref);
}
