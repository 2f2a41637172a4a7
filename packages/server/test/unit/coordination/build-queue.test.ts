// Runs the build queue contract against the in-process adapter.
import { InProcessBuildQueue } from '../../../src/coordination/in-process/build-queue.js';
import { buildQueueContract } from './build-queue.contract.js';

buildQueueContract(
  'in-process',
  (concurrency, run, options) => new InProcessBuildQueue(concurrency, run, options),
);
