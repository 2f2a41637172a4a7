/**
 * The installation's server replicas: who serves, which builds each runs, the queue's depth.
 */
import { paths, ReplicasOverview } from '@hearth/sdk';
import type { FastifyInstance } from 'fastify';
import { HearthError } from '../../errors.js';
import { actorOf } from '../auth.js';
import type { Services } from '../context.js';

export async function replicaRoutes(app: FastifyInstance, s: Pick<Services, 'replicas'>): Promise<void> {
  app.get(
    paths.adminReplicas(),
    {
      schema: {
        tags: ['lifecycle'],
        summary:
          'Live server replicas (host, address, last heartbeat, running builds) and the build queue’s depth (site admin)',
        response: { 200: ReplicasOverview },
      },
    },
    async (request) => {
      if (!actorOf(request).siteAdmin)
        throw new HearthError('forbidden', 'only a site admin can see the server replicas');
      return s.replicas();
    },
  );
}
