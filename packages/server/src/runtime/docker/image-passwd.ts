import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import { LABELS, type PasswdEntry } from '../runtime.js';
import { statusOf, toRuntimeError } from './errors.js';
import { parsePasswd } from './passwd.js';

/** Distros that symlink /etc/passwd do so once or twice; more hops means a loop. */
const MAX_SYMLINK_HOPS = 8;

/**
 * Reads `/etc/passwd` from an image through a created, never started container (so no image code runs),
 * which is always removed again. An image without the file has no accounts: `[]`.
 */
export async function readImagePasswd(docker: Docker, imageId: string): Promise<PasswdEntry[]> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: imageId,
      // The engine refuses to create a container without a command, and some images (scratch-based,
      // `docker import`ed) define none. It is never started, so what it names does not matter.
      Entrypoint: ['/bin/true'],
      Cmd: [],
      Labels: { [LABELS.purpose]: 'read-passwd' },
      HostConfig: { NetworkMode: 'none' },
    });
  } catch (err) {
    throw toRuntimeError(`read passwd of ${imageId}: create container`, err, 'image_not_found');
  }
  try {
    const text = await readFileFollowingLinks(container, '/etc/passwd');
    return text === undefined ? [] : parsePasswd(text);
  } catch (err) {
    throw toRuntimeError(`read passwd of ${imageId}`, err);
  } finally {
    await container.remove({ force: true, v: false }).catch(() => undefined);
  }
}

/** A text file's content read through the archive API, following symlinks; undefined when missing. */
export async function readFileFollowingLinks(
  container: Docker.Container,
  path: string,
): Promise<string | undefined> {
  let current = path;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop++) {
    const entry = await readArchiveEntry(container, current);
    if (entry === undefined) return undefined;
    if (entry.linkTarget === undefined) return entry.content;
    // The archive API hands back the link itself, like `docker cp` without -L.
    current = posix.resolve(posix.dirname(current), entry.linkTarget);
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}

interface ArchiveEntry {
  readonly content: string;
  readonly linkTarget?: string;
}

async function readArchiveEntry(
  container: Docker.Container,
  path: string,
): Promise<ArchiveEntry | undefined> {
  let tarStream: NodeJS.ReadableStream;
  try {
    tarStream = await container.getArchive({ path });
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
  const untar = extract();
  (tarStream as Readable).pipe(untar);
  // The archive of a single path holds one entry (the file, or the symlink). Read to the end rather than
  // breaking out, so the HTTP response is fully consumed and its connection released.
  let result: ArchiveEntry | undefined;
  for await (const entry of untar) {
    const { type, linkname } = entry.header;
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (result !== undefined) continue;
    result =
      type === 'symlink' && linkname
        ? { content: '', linkTarget: linkname }
        : { content: Buffer.concat(chunks).toString('utf8') };
  }
  return result;
}
