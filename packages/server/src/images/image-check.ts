/**
 * Outdated images: resolves every catalogue tag to the image it points at now (pulling when the
 * reference names a registry, see `shouldPull`) and records it as the catalogue's digest. A
 * workspace built from another digest is `outdated` (computed in its view, so a rebuild clears it).
 */
import type { ImageCheck } from '@hearth/sdk';
import { namesRegistry } from '../core/image-ref.js';
import type { Actor } from '../identity/actor.js';
import type { OrgService } from '../identity/org-service.js';
import type { Logger } from '../ports/logger.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import { listCatalogues, listImages, updateImage } from '../store/repositories/images.repository.js';
import { countOutdatedWorkspaces } from '../store/repositories/workspaces.repository.js';
import type { ImageRow } from '../store/schema.js';

export class ImageChecker {
  readonly #db: Database;
  readonly #runtime: Runtime;
  readonly #orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
  readonly #log: Logger;

  constructor(deps: {
    db: Database;
    runtime: Runtime;
    orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
    logger: Logger;
  }) {
    this.#db = deps.db;
    this.#runtime = deps.runtime;
    this.#orgs = deps.orgs;
    this.#log = deps.logger.child({ component: 'image-check' });
  }

  /** `hearth images check --org ORG` (org admin). */
  async checkOrg(actor: Actor, orgName: string): Promise<ImageCheck[]> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const rows = await listImages(this.#db, org.id);
    return this.#check(rows, org.name);
  }

  /** The periodic pass over every org's catalogue; failures are per image and logged. */
  async checkAll(): Promise<ImageCheck[]> {
    const rows = await listCatalogues(this.#db);
    const results: ImageCheck[] = [];
    for (const row of rows) results.push(...(await this.#check([row], row.org)));
    const changed = results.filter((r) => r.changed).length;
    if (changed > 0) this.#log.info({ changed }, 'catalogue images moved to new digests');
    return results;
  }

  async #check(rows: readonly ImageRow[], org: string): Promise<ImageCheck[]> {
    const results: ImageCheck[] = [];
    for (const row of rows) {
      const result: ImageCheck = {
        org,
        ref: row.ref,
        previousDigest: row.digest,
        digest: row.digest,
        changed: false,
        outdatedWorkspaces: 0,
        error: null,
      };
      try {
        if (namesRegistry(row.ref)) await this.#runtime.pullImage(row.ref);
        const info = await this.#runtime.inspectImage(row.ref);
        if (!info) throw new Error(`image ${row.ref} is not on the engine`);
        if (info.id !== row.digest) {
          await updateImage(this.#db, row.id, { digest: info.id });
          result.digest = info.id;
          result.changed = true;
        }
        result.outdatedWorkspaces = await countOutdatedWorkspaces(
          this.#db,
          row.org_id,
          row.ref,
          result.digest,
        );
      } catch (error) {
        result.error = (error as Error).message;
        this.#log.warn({ err: error, ref: row.ref, org }, 'image check failed');
      }
      results.push(result);
    }
    return results;
  }
}
