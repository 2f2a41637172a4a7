/** `hearth logs`: a build's log, stored or live. */
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliError, withWorkspaceHints } from '../errors.js';
import { parseBuildNumber } from '../options.js';
import { buildSummary } from '../progress.js';
import { stageTable } from '../render.js';
import { parseWorkspaceRef } from '../workspace-ref.js';

/** Registers `logs` on `program`. */
export function registerLogCommands(program: Command): void {
  program
    .command('logs')
    .description("print a build's log (the last build unless --build)")
    .argument('<name>', 'workspace: NAME or OWNER/NAME')
    .option('--build <n>', 'build number', parseBuildNumber)
    .option('-f, --follow', 'keep printing lines until the build ends, then summarize its stages')
    .addHelpText('after', '\nExamples:\n  hearth logs dev --follow\n  hearth logs dev --build 3')
    .action(async (nameArg: string, opts: { build?: number; follow?: boolean }) => {
      const ref = parseWorkspaceRef(nameArg);
      const { client } = await connect();
      await withWorkspaceHints(nameArg, async () => {
        const last =
          opts.build === undefined
            ? (await client.getWorkspace(ref.owner, ref.name)).lastBuild
            : await client.getBuild(ref.owner, ref.name, opts.build);
        if (!last) throw new CliError(`${nameArg} has no builds yet`);
        const number = last.number;
        if (!opts.follow) {
          const text = await client.buildLog(ref.owner, ref.name, number);
          process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
          // The log so far is not the whole log: say so where a pipe does not read it.
          if (last.status === 'queued' || last.status === 'running') {
            const follow = `hearth logs ${nameArg}${opts.build === undefined ? '' : ` --build ${number}`} --follow`;
            process.stderr.write(
              `build #${number} is ${last.status}: \`${follow}\` prints the rest as it comes\n`,
            );
          }
          return;
        }
        for await (const event of client.followBuildLog(ref.owner, ref.name, number)) {
          if (event.event === 'end') break;
          for (const line of event.data.text.split('\n'))
            process.stdout.write(`[${event.data.stage}] ${line}\n`);
        }
        const build = await client.getBuild(ref.owner, ref.name, number);
        process.stdout.write(`\n${stageTable(build)}\n\nbuild ${buildSummary(build)}\n`);
        if (build.error) process.stdout.write(`error: ${build.error}\n`);
      });
    });
}
