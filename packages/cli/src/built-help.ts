/**
 * `hearth --help` without building the command tree: the bundle carries the text commander printed
 * for it when the bundle was built (scripts/bundle.js), for output that is not a terminal, where
 * commander renders 80 columns wide. On a terminal commander renders the help for its width; the
 * unbundled CLI has no built text and always asks commander.
 */

/** Set by the bundler (esbuild's `define`) to the built help text; not defined elsewhere. */
declare const HEARTH_BUILT_HELP: string | undefined;

/** The built help text when `args` asks for exactly the top-level help (print it only to a non-terminal). */
export function builtHelp(args: readonly string[]): string | undefined {
  if (typeof HEARTH_BUILT_HELP !== 'string') return undefined;
  return args.length === 1 && (args[0] === '--help' || args[0] === '-h') ? HEARTH_BUILT_HELP : undefined;
}
