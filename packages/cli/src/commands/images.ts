/** `hearth images …`: the image catalogue an org offers for workspaces. */
import type { HearthClient, Image, Page } from '@hearth/sdk';
import { HearthApiError } from '@hearth/sdk/errors';
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { addResourceOptions, outputOption, type ResourceFlags, resourcesFrom } from '../options.js';
import { adminOrg } from '../org-default.js';
import { formatBytes, formatCpu, formatJson, renderTable, shortDigest } from '../output.js';
import { addPageOptions, nextPageHint, type PageFlags, readPages } from '../paging.js';

type DefaultFlags = { [K in keyof ResourceFlags as `default${Capitalize<K>}`]: ResourceFlags[K] };

/** Registers `images` and its subcommands on `program`. */
export function registerImageCommands(program: Command): void {
  const images = program
    .command('images')
    .description("manage an org's image catalogue")
    .addHelpText(
      'after',
      '\nExamples:\n  hearth images add hearth-demo:latest --org default\n  hearth images list',
    );

  const add = images
    .command('add')
    .description('add an image to an org; its USER becomes the workspace user (org admin)')
    .argument('<ref>', 'image as repository:tag')
    .option(
      '--org <org>',
      'org whose catalogue gets the image (default: your only org, or the only one you administer)',
    )
    .option('--description <text>', 'what the image is for')
    .option(
      '--configure-timeout <duration>',
      'time /hearth/configure may run before the build fails (default 15m)',
    )
    .option('--personalize-timeout <duration>', 'time dotfiles and ~/personalize may take (default 10m)');
  addResourceOptions(add, 'default-', 'give workspaces by default')
    .addHelpText(
      'after',
      '\nExample:\n  hearth images add hearth-demo:latest --org default --description "Debian + git" --default-cpu 2 --default-memory 4GiB',
    )
    .action(
      async (
        ref: string,
        opts: DefaultFlags & {
          org?: string;
          description?: string;
          configureTimeout?: string;
          personalizeTimeout?: string;
        },
      ) => {
        const { client } = await connect();
        const defaults = resourcesFrom({
          cpu: opts.defaultCpu,
          memory: opts.defaultMemory,
          disk: opts.defaultDisk,
          gpus: opts.defaultGpus,
        } as ResourceFlags);
        const org = await adminOrg(client, opts.org, `hearth images add ${ref} --org ORG`);
        const image = await client
          .addImage(org, {
            ref,
            ...(opts.description ? { description: opts.description } : {}),
            ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
            ...(opts.configureTimeout || opts.personalizeTimeout
              ? {
                  hooks: {
                    ...(opts.configureTimeout ? { configureTimeout: opts.configureTimeout } : {}),
                    ...(opts.personalizeTimeout ? { personalizeTimeout: opts.personalizeTimeout } : {}),
                  },
                }
              : {}),
          })
          .catch((err: unknown) => {
            throw notOnEngine(err, ref);
          });
        process.stdout.write(
          `Added ${image.ref} to ${image.org}: user ${image.username} (uid ${image.uid}), image ${shortDigest(image.digest)}, ` +
            `defaults ${defaultsText(image)}.\n`,
        );
        for (const warning of image.warnings) process.stderr.write(`warning: ${warning}\n`);
      },
    );

  const list = images
    .command('list')
    .description('list the images you can create workspaces from; one page per org unless --all')
    .option('--org <org>', 'only this org (default: all your orgs)')
    .option('--all', 'every page');
  addPageOptions(list, 'images', 'the page (of --org) after the one that printed this cursor')
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nWithout --all the first page of each org is printed; when an org has more, a line on stderr says how to get the next.\n' +
        '\nExamples:\n  hearth images list\n  hearth images list --org team --all -o json\n  hearth images list --org team --limit 100 --cursor CURSOR',
    )
    .action(async (opts: ImageListFlags & { output: string }) => {
      const { client } = await connect();
      const pages = await listImages(client, opts);
      const list = pages.flatMap((p) => p.items);
      if (opts.output === 'json') process.stdout.write(`${formatJson(list)}\n`);
      else {
        const rows = list.map((i) => [
          i.org,
          i.ref,
          i.username,
          shortDigest(i.digest),
          defaultsText(i),
          i.description,
        ]);
        process.stdout.write(
          `${renderTable(['ORG', 'IMAGE', 'USER', 'ID', 'DEFAULTS', 'DESCRIPTION'], rows)}\n`,
        );
      }
      for (const { org, nextCursor, items } of pages)
        if (nextCursor !== undefined)
          process.stderr.write(`${moreImages(org, opts.limit, items.length, nextCursor)}\n`);
    });

  images
    .command('remove')
    .description("remove an image from an org's catalogue (org admin)")
    .argument('<ref>', 'image as repository:tag')
    .option(
      '--org <org>',
      'org whose catalogue lists the image (default: your only org, or the only one you administer)',
    )
    .option(
      '--force',
      'remove it even though workspaces use it (they cannot be rebuilt or started until it is back)',
    )
    .addHelpText(
      'after',
      '\nWhile workspaces use the image, the removal is refused and names them; with --force they keep running\nbut show "removed from catalogue" until an org admin adds the image back.\n\nExample:\n  hearth images remove hearth-demo:latest --org default',
    )
    .action(async (ref: string, opts: { org?: string; force?: boolean }) => {
      const { client } = await connect();
      const org = await adminOrg(client, opts.org, `hearth images remove ${ref} --org ORG`);
      const image = (await client.listImages(org)).find((i) => i.ref === ref);
      if (!image) {
        throw new CliError(`image ${ref} is not in the catalogue of org ${org}`, {
          hints: [`\`hearth images list --org ${org}\` shows what is there`],
        });
      }
      await client.removeImage(org, image.id, { force: opts.force === true });
      process.stdout.write(`Removed ${ref} from ${org}.\n`);
    });

  images
    .command('check')
    .description(
      'resolve every catalogue tag now; workspaces built from an older image show as outdated (org admin)',
    )
    .option(
      '--org <org>',
      'org whose catalogue to check (default: your only org, or the only one you administer)',
    )
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nThe server also checks periodically (hearth server --image-check-interval, default 6h).\nRebuild outdated workspaces with `hearth rebuild NAME` or `hearth admin rebuild --org ORG --outdated-only`.\n\nExample:\n  hearth images check --org default',
    )
    .action(async (opts: { org?: string; output: string }) => {
      const { client } = await connect();
      const results = await client.checkImages(
        await adminOrg(client, opts.org, 'hearth images check --org ORG'),
      );
      if (opts.output === 'json') return void process.stdout.write(`${formatJson(results)}\n`);
      const rows = results.map((r) => [
        r.ref,
        shortDigest(r.digest),
        r.error
          ? `error: ${r.error}`
          : r.changed
            ? `new (was ${shortDigest(r.previousDigest)})`
            : 'unchanged',
        String(r.outdatedWorkspaces),
      ]);
      process.stdout.write(`${renderTable(['IMAGE', 'DIGEST', 'STATUS', 'OUTDATED WORKSPACES'], rows)}\n`);
    });
}

function defaultsText(image: Image): string {
  const d = image.defaults;
  const gpus = d.gpus > 0 ? `/${d.gpus} GPU` : '';
  return `${formatCpu(d.cpu)} CPU/${formatBytes(d.memory)}/${formatBytes(d.disk)}${gpus}`;
}

/**
 * An image the engine has not got and could not pull: the general hint (the catalogue's images)
 * does not help whoever is adding one, so say how an image gets onto the engine.
 */
function notOnEngine(err: unknown, ref: string): unknown {
  if (!(err instanceof HearthApiError) || err.code !== 'image_not_found') return err;
  return new CliError(err.message, {
    hints: [
      `put it on the server's container engine first (docker pull ${ref}, or docker build -t ${ref} .), or name a registry image: HOST[:PORT]/REPOSITORY:TAG`,
    ],
  });
}

interface ImageListFlags extends PageFlags {
  org?: string;
}

/**
 * A page of each org's catalogue (every page with `--all`); `--limit` and `--cursor` page one
 * org's, so a cursor needs `--org`.
 */
async function listImages(
  client: HearthClient,
  opts: ImageListFlags,
): Promise<(Page<Image> & { org: string })[]> {
  if (opts.cursor !== undefined && !opts.org)
    throw new UsageError("--cursor continues one org's list: name the org with --org");
  const orgs = opts.org ? [opts.org] : (await client.listOrgs()).map((o) => o.name);
  return Promise.all(
    orgs.map(async (org) => ({
      org,
      ...(await readPages(
        opts,
        (page) => client.listImagesPage(org, page),
        () => client.listImages(org),
      )),
    })),
  );
}

/** How to get the page after an org's page of `shown` images, or all of them. */
function moreImages(org: string, limit: number | undefined, shown: number, cursor: string): string {
  const command = `hearth images list --org ${org}`;
  return nextPageHint({ what: `images in ${org}`, shown, command, limit, cursor, all: `${command} --all` });
}
