import { useQuery } from '@tanstack/react-query';
import { executorQuery } from '../../api/queries.js';
import { time } from '../../components/format.js';
import { Section } from '../../components/section.js';
import { QueryView } from '../../components/states.js';

export function Executor() {
  const query = useQuery(executorQuery());
  return (
    <Section title="Lifecycle executor">
      <QueryView query={query} what="executor counters">
        {(s) => (
          <dl className="facts">
            <dt>Ticks</dt>
            <dd>
              {s.ticks} (every {Math.round(s.intervalMs / 1000)}s; last {time(s.lastTickAt)})
            </dd>
            <dt>Errors</dt>
            <dd>{s.errors}</dd>
            <dt>Tick time</dt>
            <dd>
              last {s.lastTickMs.toFixed(1)} ms, max {s.maxTickMs.toFixed(1)} ms
            </dd>
            <dt>Actions</dt>
            <dd>
              {Object.entries(s.actions)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') || 'none yet'}
            </dd>
          </dl>
        )}
      </QueryView>
    </Section>
  );
}
