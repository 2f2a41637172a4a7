/**
 * Preloaded with `node --import`: appends the URL of every ES module the process loads, one a line,
 * to the file named by HEARTH_LOAD_LOG (the hooks run on their own thread, see load-log-hooks.ts).
 */
import { register } from 'node:module';

register(new URL('./load-log-hooks.js', import.meta.url));
