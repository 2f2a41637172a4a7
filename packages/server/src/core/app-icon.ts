/**
 * An app's icon (`icon-path` in its declaration: a file inside the workspace) as the dashboard may
 * show it: images only, by the file's extension, and small. Anything else is answered as no icon,
 * and the dashboard shows the app's initial instead.
 */

/** The largest icon served; a bigger file is no icon. */
export const ICON_MAX_BYTES = 256 * 1024;

/** Icon content types by file extension. */
export const ICON_TYPES: Readonly<Record<string, string>> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
};

/** The image content type of `path` by its extension, or `undefined` when it is not an image. */
export function iconContentType(path: string): string | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? ICON_TYPES[name.slice(dot + 1).toLowerCase()] : undefined;
}
