// Runs the locks contract against the in-process adapter.
import { InProcessLocks } from '../../../src/coordination/in-process/locks.js';
import { locksContract } from './locks.contract.js';

locksContract('in-process', () => new InProcessLocks());
