import { HearthApiError } from '@hearth/sdk/browser';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.js';
import { imagesQuery, keys } from '../../api/queries.js';
import { Field } from '../../components/field.js';
import { Form, useForm } from '../../components/form.js';
import { resources } from '../../components/format.js';
import { LoadMore } from '../../components/load-more.js';
import { Section } from '../../components/section.js';
import { Empty, QueryView } from '../../components/states.js';

export function Images({ org }: { org: string }) {
  const client = useQueryClient();
  const query = useInfiniteQuery(imagesQuery(org));
  const done = () => client.invalidateQueries({ queryKey: keys.images(org) });
  const add = useForm(
    { ref: '', description: '' },
    ({ ref, description }) => api.addImage(org, { ref, ...(description ? { description } : {}) }),
    { invalidates: keys.images(org), reset: ['ref'] },
  );
  const remove = useMutation({
    mutationFn: (image: { id: string; ref: string }) => removeImage(org, image),
    onSuccess: done,
  });
  const check = useMutation({ mutationFn: () => api.checkImages(org), onSuccess: done });
  const confirmRemove = (id: string, ref: string) => {
    if (window.confirm(`Remove ${ref} from the catalogue of ${org}?`)) remove.mutate({ id, ref });
  };
  return (
    <Section title="Image catalogue">
      <QueryView query={query} what="images">
        {(list) =>
          list.length === 0 ? (
            <Empty>No images yet: add one (e.g. hearth-demo:latest) so members can create workspaces.</Empty>
          ) : (
            <ul aria-label="Images">
              {list.map((i) => (
                <li key={i.id}>
                  <strong>{i.ref}</strong>{' '}
                  <span className="muted">
                    user {i.username} · defaults {resources(i.defaults)}
                  </span>{' '}
                  <button
                    type="button"
                    onClick={() => confirmRemove(i.id, i.ref)}
                    aria-label={`Remove image ${i.ref}`}
                  >
                    Remove
                  </button>
                  {i.warnings.map((w) => (
                    <div key={w} className="warning">
                      {w}
                    </div>
                  ))}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {query.data && query.data.length > 0 && (
        <LoadMore query={query} shown={query.data.length} what="image" />
      )}
      <button type="button" onClick={() => check.mutate()} disabled={check.isPending}>
        Check for newer images
      </button>
      {check.data && (
        <ul role="status">
          {check.data.map((c) => (
            <li key={c.ref}>
              {c.ref}:{' '}
              {c.error ?? (c.changed ? `moved; ${c.outdatedWorkspaces} workspace(s) outdated` : 'unchanged')}
            </li>
          ))}
        </ul>
      )}
      <Form form={add} label="Add an image" submit="Add image" also={[remove, check]}>
        <Field label="Image reference" required placeholder="repository:tag" {...add.field('ref')} />
        <Field label="Description" {...add.field('description')} />
      </Form>
    </Section>
  );
}

/**
 * Removes an image; when workspaces use it the server refuses (`image_in_use`, with their names), and
 * only once the admin has read how many and confirmed is it removed anyway. The server counts, so
 * the page never reads the org's whole workspace list for it.
 */
async function removeImage(org: string, image: { id: string; ref: string }): Promise<void> {
  try {
    await api.removeImage(org, image.id);
  } catch (err) {
    if (!(err instanceof HearthApiError) || err.code !== 'image_in_use') throw err;
    const using = (err.detail as { workspaces?: string[] } | undefined)?.workspaces?.length ?? 0;
    const warning = `${using} workspace(s) use ${image.ref}; they keep running but cannot be rebuilt from it.`;
    if (window.confirm(`${warning} Remove ${image.ref} from the catalogue of ${org} anyway?`))
      await api.removeImage(org, image.id, { force: true });
  }
}
