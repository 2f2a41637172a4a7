/** The few pages app origins answer themselves. Plain HTML, nothing from the request echoed unescaped. */
const html = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title>` +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}</style>' +
  `</head><body>${body}</body></html>`;

/** The same answer for a port or app that does not exist and for one the visitor may not open. */
export const notFoundPage = (): string =>
  page(
    'Not found',
    '<h1>Not found</h1><p>There is no app or port at this address, or it is not shared with you.</p>',
  );

/** A stopped (or not yet running) workspace: says so, and offers to start it. */
export function stoppedPage(name: string, owner: string, state: string, isOwner: boolean): string {
  const busy = state === 'pending' || state === 'building' || state === 'stopping';
  const body = busy
    ? `<h1>Workspace ${html(name)} is ${html(state)}</h1><p>This page reloads by itself once it runs.</p><script>setTimeout(()=>location.reload(),3000)</script>`
    : `<h1>Workspace ${html(name)} is ${html(state)}</h1>` +
      `<p>Its apps are back once it runs again${isOwner ? '' : ` (ask ${html(owner)} to start it)`}.</p>` +
      `<form method="post" action="/.hearth/start"><button type="submit">Start ${html(name)}</button></form>` +
      `<p>Or run <code>hearth start ${isOwner ? '' : `${html(owner)}/`}${html(name)}</code>.</p>`;
  return page(`Workspace ${name} is ${state}`, body);
}
