/** `hearth server`: runs the Hearth server in this process; its flags are the server's own. */
import type { Command } from 'commander';

/** What the server package exports for the CLI. */
interface ServerModule {
  runServerCli(argv: string[]): Promise<void>;
}

// A variable specifier keeps the server out of the CLI's type graph and its load path until needed,
// so every other command starts without loading fastify, Docker and database drivers.
const SERVER_MODULE = '@hearth/server';

/** Runs the server with `args` (its own flags), loading it only now. */
export async function runServer(args: string[]): Promise<void> {
  const server = (await import(SERVER_MODULE)) as ServerModule;
  await server.runServerCli(args);
}

/** Registers `server` on `program`; every argument after it goes to the server untouched. */
export function registerServerCommands(program: Command): void {
  program
    .command('server')
    .description('run the Hearth server (see `hearth server --help` for its flags)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'server flags')
    .action(runServer);
}
