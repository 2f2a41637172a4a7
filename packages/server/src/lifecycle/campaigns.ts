/**
 * Admin rebuild campaigns: an org admin picks workspaces (by image, outdated, stopped too) and
 * they are rebuilt from the latest image, a bounded number at a time, reason `admin_rebuild`,
 * the admin as initiator. Each workspace's result is recorded; one failure never stops the rest.
 */
import type { Campaign, Page, StartCampaignRequest } from '@hearth/sdk';
import { normalizeImageRef } from '../core/image-ref.js';
import { pageOf } from '../core/paging.js';
import { HearthError, unwrap } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { OrgService } from '../identity/org-service.js';
import { pageRequest } from '../page-request.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Logger } from '../ports/logger.js';
import type { Database } from '../store/database.js';
import { findBuildById } from '../store/repositories/builds.repository.js';
import * as campaigns from '../store/repositories/campaigns.repository.js';
import { listImages } from '../store/repositories/images.repository.js';
import { findWorkspaceById } from '../store/repositories/workspaces.repository.js';
import type { CampaignItemRow, RebuildCampaignRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';

const DEFAULT_CONCURRENCY = 2;
const POLL_MS = 250;

/** The name campaign-list cursors carry. */
const CAMPAIGN_LIST = 'campaigns';

export class CampaignService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #orgs: Pick<OrgService, 'requireOrg' | 'requireRole' | 'roleIn'>;
  readonly #workspaces: Pick<WorkspaceService, 'queueSystemBuild'>;
  readonly #log: Logger;
  /** Campaigns running in this process, so shutdown can wait for them. */
  readonly #running = new Set<Promise<void>>();

  constructor(deps: {
    db: Database;
    clock: Clock;
    orgs: Pick<OrgService, 'requireOrg' | 'requireRole' | 'roleIn'>;
    workspaces: Pick<WorkspaceService, 'queueSystemBuild'>;
    logger: Logger;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#orgs = deps.orgs;
    this.#workspaces = deps.workspaces;
    this.#log = deps.logger.child({ component: 'campaigns' });
  }

  /** A campaign for an image outside the catalogue could rebuild nothing: say what the catalogue has. */
  async #requireInCatalogue(org: { id: string; name: string }, image: string): Promise<void> {
    const refs = (await listImages(this.#db, org.id)).map((r) => r.ref);
    if (refs.includes(image)) return;
    throw new HearthError(
      'image_not_in_catalogue',
      `image ${image} is not in org ${org.name}'s catalogue (${refs.length > 0 ? refs.join(', ') : 'it is empty'}); ` +
        `name one of those, or see "hearth images list --org ${org.name}"`,
      { image, org: org.name, catalogue: refs },
    );
  }

  async start(actor: Actor, orgName: string, req: StartCampaignRequest): Promise<Campaign> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const image = req.image === undefined ? undefined : unwrap(normalizeImageRef(req.image), 'image');
    if (image !== undefined) await this.#requireInCatalogue(org, image);
    const states = req.includeStopped ? ['running', 'stopped', 'failed'] : ['running'];
    const targets = await campaigns.listCampaignTargets(this.#db, {
      orgId: org.id,
      states,
      image,
      outdatedOnly: req.outdatedOnly,
    });

    const now = this.#clock.now().toISOString();
    const campaign: RebuildCampaignRow = {
      id: newId(),
      org_id: org.id,
      initiator: actor.username,
      filter: JSON.stringify({ ...req, ...(image ? { image } : {}) }),
      concurrency: req.concurrency ?? DEFAULT_CONCURRENCY,
      status: targets.length === 0 ? 'finished' : 'running',
      created_at: now,
      finished_at: targets.length === 0 ? now : null,
    };
    const items = targets.map(
      (t): CampaignItemRow => ({
        campaign_id: campaign.id,
        workspace_id: t.id,
        workspace: `${t.owner}/${t.name}`,
        status: 'pending',
        build_number: null,
        error: null,
        started_at: null,
        finished_at: null,
      }),
    );
    await inTransaction(this.#db, (tx) => campaigns.insertCampaign(tx, campaign, items));
    this.#log.info(
      { campaignId: campaign.id, org: org.name, workspaces: targets.length },
      'campaign started',
    );
    if (targets.length > 0) {
      const run = this.#run(campaign, actor.username)
        .catch((error) => this.#log.error({ err: error, campaignId: campaign.id }, 'campaign failed'))
        .finally(() => this.#running.delete(run));
      this.#running.add(run);
    }
    return this.#view(campaign.id);
  }

  /** Resolves when every campaign running in this process has finished. */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** One page of the org's campaigns, newest first. */
  async list(
    actor: Actor,
    orgName: string,
    query: { limit?: number; cursor?: string } = {},
  ): Promise<Page<Campaign>> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const { limit, after } = pageRequest(CAMPAIGN_LIST, query, 2);
    const keys = await campaigns.listCampaignKeysOfOrg(this.#db, org.id, { after, limit: limit + 1 });
    const page = pageOf(CAMPAIGN_LIST, keys, limit, (k) => [k.created_at, k.id]);
    return { items: await Promise.all(page.items.map((k) => this.#view(k.id))), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<Campaign> {
    const row = await campaigns.findCampaign(this.#db, id);
    const notFound = new HearthError(
      'campaign_not_found',
      `no campaign ${id}; see "hearth admin campaigns list"`,
    );
    if (!row) throw notFound;
    if ((await this.#orgs.roleIn(actor, row.org_id)) !== 'admin') throw notFound;
    return this.#view(id);
  }

  /** Marks campaigns a crash cut short; their unfinished items keep the state they had. */
  async interruptRunning(): Promise<number> {
    return campaigns.interruptRunningCampaigns(this.#db, this.#clock.now().toISOString());
  }

  async #run(campaign: RebuildCampaignRow, initiator: string): Promise<void> {
    const items = await campaigns.listCampaignItems(this.#db, campaign.id);
    let next = 0;
    const worker = async () => {
      while (next < items.length) await this.#rebuildOne(campaign, items[next++]!, initiator);
    };
    await Promise.all(Array.from({ length: Math.min(campaign.concurrency, items.length) }, worker));
    await campaigns.finishCampaign(this.#db, campaign.id, this.#clock.now().toISOString());
    this.#log.info({ campaignId: campaign.id }, 'campaign finished');
  }

  async #rebuildOne(campaign: RebuildCampaignRow, item: CampaignItemRow, initiator: string): Promise<void> {
    const update = (patch: Partial<CampaignItemRow>) =>
      campaigns.updateCampaignItem(this.#db, campaign.id, item.workspace_id, patch);
    await update({ status: 'building', started_at: this.#clock.now().toISOString() });
    try {
      const ws = await findWorkspaceById(this.#db, item.workspace_id);
      if (!ws) throw new Error('the workspace was deleted');
      const buildId = await this.#workspaces.queueSystemBuild(
        ws,
        'admin_rebuild',
        `admin rebuild campaign by ${initiator}`,
        initiator,
      );
      const build = await this.#settled(buildId);
      await update({
        status: build.status === 'succeeded' ? 'succeeded' : 'failed',
        build_number: build.number,
        error: build.error,
        finished_at: this.#clock.now().toISOString(),
      });
    } catch (error) {
      await update({
        status: 'failed',
        error: (error as Error).message,
        finished_at: this.#clock.now().toISOString(),
      });
      this.#log.warn(
        { err: error, campaignId: campaign.id, workspaceId: item.workspace_id },
        'campaign rebuild failed',
      );
    }
  }

  async #settled(buildId: string) {
    for (;;) {
      const build = await findBuildById(this.#db, buildId);
      if (!build) throw new Error('the build disappeared (the workspace was deleted)');
      if (['succeeded', 'failed', 'canceled'].includes(build.status)) return build;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async #view(id: string): Promise<Campaign> {
    const row = await campaigns.getCampaignWithOrg(this.#db, id);
    const items = await campaigns.listCampaignItems(this.#db, id);
    const counts: Record<string, number> = {};
    for (const i of items) counts[i.status] = (counts[i.status] ?? 0) + 1;
    return {
      id: row.id,
      org: row.org,
      initiator: row.initiator,
      filter: JSON.parse(row.filter),
      concurrency: row.concurrency,
      status: row.status,
      counts,
      items: items.map((i) => ({
        workspace: i.workspace,
        status: i.status,
        buildNumber: i.build_number,
        error: i.error,
        startedAt: i.started_at,
        finishedAt: i.finished_at,
      })),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }
}
