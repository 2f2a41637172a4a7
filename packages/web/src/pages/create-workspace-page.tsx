import { addressNameProblem, DEFAULT_PAGE_LIMIT, type Image, type Org, type User } from '@hearth/sdk/browser';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client.js';
import { imagesQuery, keys, orgsQuery } from '../api/queries.js';
import { Field } from '../components/field.js';
import { Form, useForm } from '../components/form.js';
import { bytes } from '../components/format.js';
import { LoadMore } from '../components/load-more.js';
import {
  type ResourceInput,
  ResourcesFields,
  resourceBody,
  resourceInput,
} from '../components/resources-fields.js';
import { Empty, QueryView } from '../components/states.js';

/** Create a workspace from the org's catalogue; the image's defaults fill the resources. */
export function CreateWorkspacePage({ user }: { user: User }) {
  const [org, setOrg] = useState(user.orgs[0]?.name ?? '');
  const orgs = useQuery(orgsQuery());
  const images = useInfiniteQuery({ ...imagesQuery(org), enabled: !!org });
  const orgId = useId();
  if (user.orgs.length === 0) return <Empty>You are in no organization yet: ask an admin to add you.</Empty>;
  return (
    <section>
      <h1>New workspace</h1>
      <div className="field">
        <label htmlFor={orgId}>Organization</label>
        <select id={orgId} value={org} onChange={(e) => setOrg(e.target.value)}>
          {user.orgs.map((o) => (
            <option key={o.name}>{o.name}</option>
          ))}
        </select>
      </div>
      <QueryView query={images} what="the image catalogue">
        {(list) =>
          list.length === 0 ? (
            <Empty>The catalogue of {org} is empty: an org admin adds images on the Admin page.</Empty>
          ) : (
            <>
              <CreateForm org={org} images={list} limits={orgs.data?.find((o) => o.name === org)?.limits} />
              {/* Said only of a catalogue longer than a page: most have a few images. */}
              {(images.hasNextPage || list.length > DEFAULT_PAGE_LIMIT) && (
                <LoadMore query={images} shown={list.length} what="image" />
              )}
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function CreateForm({
  org,
  images,
  limits,
}: {
  org: string;
  images: Image[];
  limits: Org['limits'] | undefined;
}) {
  const client = useQueryClient();
  const navigate = useNavigate();
  // The resources are edited by their own fields (reset to each image's defaults), beside the form's values.
  const [res, setRes] = useState<ResourceInput>(resourceInput(images[0]!.defaults));
  const form = useForm(
    { name: '', image: images[0]!.ref },
    (v) => api.createWorkspace({ ...v, org, ...resourceBody(res) }),
    {
      onSuccess: (w) => {
        void client.invalidateQueries({ queryKey: keys.workspaces });
        void navigate(`/workspaces/${encodeURIComponent(w.owner)}/${encodeURIComponent(w.name)}`);
      },
    },
  );
  const { name, image } = form.values;
  const chosen = images.find((i) => i.ref === image) ?? images[0]!;
  useEffect(() => setRes(resourceInput(chosen.defaults)), [chosen]);
  const imageId = useId();
  const problem = name ? addressNameProblem('workspace', name) : undefined;
  return (
    <Form form={form} label="New workspace" submit="Create workspace" primary blocked={!name || !!problem}>
      <Field
        label="Name"
        required
        problem={problem}
        hint="lowercase letters, digits and -, e.g. api-dev"
        {...form.field('name')}
      />
      <div className="field">
        <label htmlFor={imageId}>Image</label>
        <select id={imageId} {...form.field('image')}>
          {images.map((i) => (
            <option key={i.id} value={i.ref}>
              {i.ref}
              {i.description ? ` — ${i.description}` : ''}
            </option>
          ))}
        </select>
      </div>
      <ResourcesFields value={res} onChange={setRes} limits={limits} />
      {limits && (
        <p className="muted">
          Your running workspaces together may use {limits.memberCpuQuota} CPU and{' '}
          {bytes(limits.memberMemoryQuota)} of memory in {org}.
        </p>
      )}
    </Form>
  );
}
