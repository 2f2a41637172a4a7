/**
 * Setting up process.stdout or process.stderr when it is first used, not before. Node creates each
 * stream on its first read (a pipe's is a net.Socket, which loads node's stream and net modules):
 * a command that never writes to stderr does not pay for it at start-up (bench/cli-start.js).
 */

/** Runs `prepare` on `process[name]` when it is first read (now, if node already made it eagerly). */
export function whenOpened(name: 'stdout' | 'stderr', prepare: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const get = own?.get;
  if (own === undefined || get === undefined || own.configurable !== true) {
    prepare(process[name]);
    return;
  }
  let prepared = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? false,
    get(): NodeJS.WriteStream {
      const stream = get.call(process) as NodeJS.WriteStream;
      if (!prepared) {
        prepared = true;
        prepare(stream);
      }
      return stream;
    },
  });
}
