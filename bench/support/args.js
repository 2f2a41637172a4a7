/**
 * A bench's command line: node's parseArgs with --help (-h) added, and a bad option answered with
 * what was wrong and the usage (exit 2), not a stack trace.
 */
import { parseArgs } from 'node:util';

/** Parses process.argv for `options`; prints `usage` (lines) and exits on --help or a bad option. */
export function benchArgs(usage, options) {
  let values;
  try {
    ({ values } = parseArgs({
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error.message}\n\n${usage.join('\n')}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage.join('\n'));
    process.exit(0);
  }
  return values;
}
