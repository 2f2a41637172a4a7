/**
 * Preloaded (`node --import`) into a process a bench measures: records the event loop's delay
 * and, on SIGUSR2, writes what it saw since the last signal (ms: max, p99, mean) as JSON to
 * $HEARTH_BENCH_LAG_FILE, then starts over. The bench signals once before a load and once after.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.HEARTH_BENCH_LAG_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round((ns / 1e6) * 10) / 10;
  process.on('SIGUSR2', () => {
    const seen = {
      maxMs: ms(histogram.max),
      p99Ms: ms(histogram.percentile(99)),
      meanMs: ms(histogram.mean),
    };
    histogram.reset();
    // Whole or not at all: the bench reads the file as soon as it exists.
    writeFileSync(`${file}.tmp`, JSON.stringify(seen));
    renameSync(`${file}.tmp`, file);
  });
}
