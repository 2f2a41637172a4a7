import { type Static, Type } from '@sinclair/typebox';
import { Timestamp } from './common.js';

/** One live server replica of the installation (servers on one PostgreSQL database). */
export const Replica = Type.Object({
  id: Type.String({
    description: '`<data directory id>.<run>`: builds it claims name it (`Build.replica`).',
  }),
  host: Type.String(),
  pid: Type.Integer(),
  address: Type.Union([Type.String(), Type.Null()], {
    description: 'The URL it serves on (its access URL when set); null until it listens.',
  }),
  startedAt: Timestamp,
  heartbeatAt: Timestamp,
  runningBuilds: Type.Integer(),
  self: Type.Boolean({ description: 'The replica that answered this request.' }),
});
export type Replica = Static<typeof Replica>;

/** `GET /admin/replicas`: the live replicas and the installation's build queue. */
export const ReplicasOverview = Type.Object({
  replicas: Type.Array(Replica),
  queuedBuilds: Type.Integer({ description: 'Builds waiting in the queue, installation-wide.' }),
});
export type ReplicasOverview = Static<typeof ReplicasOverview>;
