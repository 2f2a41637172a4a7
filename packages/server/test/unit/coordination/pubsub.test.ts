// Runs the pub/sub contract against the in-process adapter.
import { InProcessPubSub } from '../../../src/coordination/in-process/pubsub.js';
import { pubsubContract } from './pubsub.contract.js';

pubsubContract('in-process', () => new InProcessPubSub());
