/**
 * The org's image catalogue, and resolving an image to what a build needs: its id and its user.
 */
import type { Image, Page, ResourceRequestInput } from '@hearth/sdk';
import { normalizeImageRef, shouldPull } from '../core/image-ref.js';
import { resolveImageUser } from '../core/image-user.js';
import { checkLimits } from '../core/limits.js';
import { pageOf } from '../core/paging.js';
import { parseCpu, parseDuration, parseMemory, parseSize } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import { type OrgService, orgLimits } from '../identity/org-service.js';
import { pageRequest } from '../page-request.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import * as images from '../store/repositories/images.repository.js';
import { listUsingImage } from '../store/repositories/workspaces.repository.js';
import type { ImageRow, OrgRow } from '../store/schema.js';

export interface ResolvedImage {
  readonly id: string;
  readonly username: string;
  readonly uid: number;
  readonly gid: number;
  /** The image's environment (`KEY=value`), e.g. its PATH. */
  readonly env: readonly string[];
}

/** The name image-list cursors carry. */
const IMAGE_LIST = 'images';

const FALLBACK_DEFAULTS = { cpuMillis: 1000, memoryBytes: 2 * 2 ** 30, diskBytes: 10 * 2 ** 30, gpus: 0 };

export class ImageService {
  readonly #db: Database;
  readonly #runtime: Runtime;
  readonly #clock: Clock;
  readonly #orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
  /** Users resolved per image id: an image id is immutable, so its user never changes. */
  readonly #users = new Map<string, ResolvedImage>();

  constructor(deps: {
    db: Database;
    runtime: Runtime;
    clock: Clock;
    orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
  }) {
    this.#db = deps.db;
    this.#runtime = deps.runtime;
    this.#clock = deps.clock;
    this.#orgs = deps.orgs;
  }

  /** One page of the org's catalogue, by ref. */
  async list(
    actor: Actor,
    orgName: string,
    query: { limit?: number; cursor?: string } = {},
  ): Promise<Page<Image>> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'member');
    const { limit, after } = pageRequest(IMAGE_LIST, query, 1);
    const rows = await images.listImages(this.#db, org.id, { after: after?.[0], limit: limit + 1 });
    const page = pageOf(IMAGE_LIST, rows, limit, (row) => [row.ref]);
    return { items: page.items.map((row) => imageView(row, org)), nextCursor: page.nextCursor };
  }

  async add(
    actor: Actor,
    orgName: string,
    input: {
      ref: string;
      description?: string;
      defaults?: ResourceRequestInput;
      hooks?: { configureTimeout?: string; personalizeTimeout?: string };
    },
  ): Promise<Image> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const ref = unwrap(normalizeImageRef(input.ref), 'ref');
    const d = input.defaults ?? {};
    const defaults = {
      cpuMillis: d.cpu === undefined ? FALLBACK_DEFAULTS.cpuMillis : unwrap(parseCpu(d.cpu), 'defaults.cpu'),
      memoryBytes:
        d.memory === undefined
          ? FALLBACK_DEFAULTS.memoryBytes
          : unwrap(parseMemory('default memory', d.memory), 'defaults.memory'),
      diskBytes:
        d.disk === undefined
          ? FALLBACK_DEFAULTS.diskBytes
          : unwrap(parseSize('default disk', d.disk), 'defaults.disk'),
      gpus: d.gpus ?? 0,
    };
    const timeout = (field: 'configureTimeout' | 'personalizeTimeout'): number | null => {
      const value = input.hooks?.[field];
      if (value === undefined) return null;
      const ms = unwrap(parseDuration(`hooks.${field}`, value), `hooks.${field}`);
      if (ms < 1000 || ms > 24 * 36e5)
        throw invalidInput(`hooks.${field} must be from 1s to 24h, e.g. 15m`, { field: `hooks.${field}` });
      return Math.ceil(ms / 1000);
    };
    const configureTimeout = timeout('configureTimeout');
    const personalizeTimeout = timeout('personalizeTimeout');
    if (await images.findImage(this.#db, org.id, ref)) {
      throw new HearthError('image_exists', `image ${ref} is already in org ${org.name}'s catalogue`);
    }
    const resolved = await this.resolve(ref);
    const row: ImageRow = {
      id: newId(),
      org_id: org.id,
      ref,
      description: input.description ?? '',
      username: resolved.username,
      uid: resolved.uid,
      gid: resolved.gid,
      digest: resolved.id,
      default_cpu_millis: defaults.cpuMillis,
      default_memory_bytes: defaults.memoryBytes,
      default_disk_bytes: defaults.diskBytes,
      default_gpus: defaults.gpus,
      created_at: this.#clock.now().toISOString(),
      configure_timeout_seconds: configureTimeout,
      personalize_timeout_seconds: personalizeTimeout,
    };
    await images.insertImage(this.#db, row);
    return imageView(row, org);
  }

  /**
   * Removes a catalogue entry. Workspaces built from it keep running but cannot be rebuilt or
   * started until it is added back, so while any use it the removal needs `force`.
   */
  async remove(actor: Actor, orgName: string, id: string, options: { force?: boolean } = {}): Promise<void> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const row = await images.findImageById(this.#db, org.id, id);
    if (!row)
      throw new HearthError(
        'image_not_found',
        `org ${org.name} has no image with id ${id}; see "hearth images list"`,
      );
    const users = await listUsingImage(this.#db, org.id, row.ref);
    if (users.length > 0 && options.force !== true) {
      const names = users.map((w) => `${w.owner}/${w.name}`);
      const shown = names.length > 10 ? [...names.slice(0, 10), `and ${names.length - 10} more`] : names;
      throw new HearthError(
        'image_in_use',
        `image ${row.ref} is used by ${names.length} workspace${names.length === 1 ? '' : 's'} of org ${org.name} (${shown.join(', ')}); ` +
          'without it they cannot be rebuilt or started until it is added back. Remove it anyway with --force',
        { image: row.ref, org: org.name, workspaces: names },
      );
    }
    await images.deleteImage(this.#db, row.id);
  }

  /** The catalogue entry a workspace may be built from, or `image_not_in_catalogue`. */
  /** The orgs of `orgs` whose catalogue has `ref` (none when `ref` is not a valid reference). */
  async orgsOffering<O extends { id: string }>(orgs: readonly O[], ref: string): Promise<O[]> {
    const normalized = normalizeImageRef(ref);
    if (!normalized.ok) return [];
    const found = await Promise.all(orgs.map((o) => images.findImage(this.#db, o.id, normalized.value)));
    return orgs.filter((_, i) => found[i] !== undefined);
  }

  async requireInCatalogue(orgId: string, orgName: string, ref: string): Promise<ImageRow> {
    const normalized = normalizeImageRef(ref);
    const row = normalized.ok ? await images.findImage(this.#db, orgId, normalized.value) : undefined;
    if (!row) {
      throw new HearthError(
        'image_not_in_catalogue',
        `image ${ref} is not in org ${orgName}'s catalogue; see "hearth images list --org ${orgName}", or ask an org admin to add it`,
        { image: ref, org: orgName },
      );
    }
    return row;
  }

  /**
   * Makes the image available on an engine (`runtime`: a build's is its workspace's; the server's
   * own by default), pulling when {@link shouldPull} says so, and reads its id and user. Rejects with
   * `image_not_found` or `image_user_invalid` in words a person can act on.
   */
  async resolve(ref: string, log?: (line: string) => void, runtime = this.#runtime): Promise<ResolvedImage> {
    let info = await runtime.inspectImage(ref);
    if (shouldPull(ref, info !== undefined)) {
      log?.(`pulling ${ref}`);
      try {
        await runtime.pullImage(ref, log);
      } catch (error) {
        if (!info) {
          throw new HearthError(
            'image_not_found',
            `image ${ref} is not on the container engine and could not be pulled: ${(error as Error).message}`,
            { image: ref },
            { cause: error },
          );
        }
        log?.(`pull failed, using the local copy: ${(error as Error).message}`);
      }
      info = await runtime.inspectImage(ref);
    }
    if (!info)
      throw new HearthError('image_not_found', `image ${ref} is not on the container engine`, { image: ref });
    const cached = this.#users.get(info.id);
    if (cached) return cached;
    const passwd = await runtime.readImagePasswd(info.id);
    const user = resolveImageUser(ref, info.user, passwd);
    if (!user.ok) throw new HearthError('image_user_invalid', user.problem, { image: ref, user: info.user });
    const resolved = { id: info.id, username: user.name, uid: user.uid, gid: user.gid, env: info.env };
    this.#users.set(info.id, resolved);
    return resolved;
  }
}

/** Default time limits of the configure and personalize stages, in seconds. */
export const HOOK_TIMEOUT_DEFAULTS = { configure: 15 * 60, personalize: 10 * 60 } as const;

/** The image's hook time limits, defaults filled in. */
export function hookTimeouts(row: ImageRow) {
  return {
    configureTimeoutSeconds: row.configure_timeout_seconds ?? HOOK_TIMEOUT_DEFAULTS.configure,
    personalizeTimeoutSeconds: row.personalize_timeout_seconds ?? HOOK_TIMEOUT_DEFAULTS.personalize,
  };
}

export function imageDefaults(row: ImageRow) {
  return {
    cpuMillis: row.default_cpu_millis,
    memoryBytes: Number(row.default_memory_bytes),
    diskBytes: Number(row.default_disk_bytes),
    gpus: row.default_gpus,
  };
}

function imageView(row: ImageRow, org: OrgRow): Image {
  const d = imageDefaults(row);
  // As create would check them, nothing else running: a default over a limit refuses every create without that amount.
  const over = checkLimits(
    d,
    orgLimits(org),
    { cpuMillis: 0, memoryBytes: 0 },
    {
      image: row.ref,
      fields: new Set(['cpu', 'memory', 'disk', 'gpus'] as const),
    },
  );
  return {
    id: row.id,
    org: org.name,
    ref: row.ref,
    description: row.description,
    username: row.username,
    uid: row.uid,
    gid: row.gid,
    digest: row.digest,
    defaults: { cpu: d.cpuMillis / 1000, memory: d.memoryBytes, disk: d.diskBytes, gpus: d.gpus },
    hooks: hookTimeouts(row),
    createdAt: row.created_at,
    warnings: over ? [`a workspace created without its own amounts would be refused: ${over.message}`] : [],
  };
}
