/**
 * The parts of commander the CLI uses as values. commander is CommonJS: required directly it
 * loads in about a third of the time an ESM import of it takes (its ESM wrapper, the CommonJS
 * export lexer), and every command pays that at start-up (bench/cli-start.js).
 */
import { createRequire } from 'node:module';
import type * as Commander from 'commander';

const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const Command = commander.Command;
export type Command = Commander.Command;
export const CommanderError = commander.CommanderError;
export type CommanderError = Commander.CommanderError;
export const InvalidArgumentError = commander.InvalidArgumentError;
export const Option = commander.Option;
export type Option = Commander.Option;
