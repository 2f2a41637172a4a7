/**
 * An app's icon, read from the running workspace as the workspace user (so it is a file that user
 * can read anyway) through the engine's exec: bytes, not text, so PNGs survive. Only image types,
 * at most {@link ICON_MAX_BYTES}; anything else is no icon.
 */
import { ICON_MAX_BYTES, iconContentType } from '../core/app-icon.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';

const READ_MS = 5_000;

export interface AppIcon {
  readonly type: string;
  readonly body: Buffer;
}

/** The icon at `path` in `target`, or `undefined` when it is missing, not an image, or too big. */
export async function readAppIcon(
  runtime: Runtime,
  target: ExecTarget,
  path: string,
): Promise<AppIcon | undefined> {
  const type = iconContentType(path);
  if (!type || !path.startsWith('/')) return undefined;
  const session = await runtime.exec(target.containerId, {
    // One byte more than allowed tells a file that is too big from one that fits exactly.
    cmd: ['head', '-c', String(ICON_MAX_BYTES + 1), '--', path],
    user: target.username,
    workingDir: target.home,
  });
  session.stdin.end();
  session.stderr.resume();
  const chunks: Buffer[] = [];
  let size = 0;
  session.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= ICON_MAX_BYTES + 1) chunks.push(chunk);
  });
  const ended = new Promise<void>((resolve) => session.stdout.once('end', resolve));
  const timer = setTimeout(() => session.close(), READ_MS);
  try {
    const code = await session.exit;
    await ended;
    if (code !== 0 || size === 0 || size > ICON_MAX_BYTES) return undefined;
    return { type, body: Buffer.concat(chunks) };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
