/**
 * The parts of commander the CLI uses as values, in one place. bin/hearth runs the CommonJS bundle
 * (scripts/build-cli.js), where commander is bundled in, so no ES-module wrapper is loaded.
 */
export { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
