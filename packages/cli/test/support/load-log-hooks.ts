/** The module hooks of load-log.ts: each load is appended to $HEARTH_LOAD_LOG before it happens. */
import { appendFileSync } from 'node:fs';
import type { LoadHook } from 'node:module';

export const load: LoadHook = (url, context, next) => {
  appendFileSync(process.env.HEARTH_LOAD_LOG ?? '/dev/null', `${url}\n`);
  return next(url, context);
};
